package web

import (
	"io/fs"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes registers every route of the app and the API, with the roles that
// may use it. Pages: fund_manager (its own portfolios), compliance
// (everything, decides reviews), admin (everything, plus users, keys and
// list imports); brokers see no page. The API takes an API key of any role
// in X-API-Key.
func (s *Server) routes() {
	e := s.e
	e.Use(middleware.RequestID())
	e.Use(s.requestLog)
	e.Use(middleware.Recover())
	e.Use(s.securityHeaders)
	e.Use(s.validText) // hardening: no invalid UTF-8 reaches a handler

	// Health, the API document and static files: no credentials.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/api/v1/openapi.json", s.openAPI)
	assets, _ := fs.Sub(embedded, "assets")
	e.GET("/assets/*", echo.WrapHandler(http.StripPrefix("/assets/", http.FileServer(http.FS(assets)))))

	// The API.
	api := e.Group("/api/v1", s.requireKey)
	small := middleware.BodyLimit(itoa(apiBodyLimit))
	upload := s.uploadLimit()
	api.POST("/check", s.apiCheck, small)
	api.POST("/screen", s.apiScreen, upload, s.uploadGate)
	api.GET("/runs/:id", s.apiRun)
	api.GET("/lists", s.apiLists)
	api.GET("/lists/:list/snapshots", s.apiSnapshots)
	api.GET("/lists/:list/diff", s.apiDiff)

	// Hardening: a backup while serving, and purging old runs (admin keys).
	api.POST("/admin/backup", s.apiBackup, apiRole(RoleAdmin))
	api.POST("/admin/purge", s.apiPurge, small, apiRole(RoleAdmin))

	// Pages.
	pg := e.Group("", s.withSession, s.pageBodyLimit(), validForm, s.csrf)
	pg.GET("/login", s.loginPage)
	pg.POST("/login", s.loginPost)
	pg.POST("/logout", s.logoutPost)

	anyone := requireRole(RoleFundManager, RoleCompliance)
	review := requireRole(RoleCompliance)
	admin := requireRole(RoleAdmin)
	pg.GET("/", s.home, anyone)
	pg.GET("/upload", s.uploadPage, anyone)
	pg.POST("/upload", s.uploadPost, anyone, s.uploadGate)
	pg.GET("/upload/progress", s.uploadProgressPage, anyone) // issue 15
	pg.GET("/runs", s.runsPage, anyone)
	pg.GET("/runs/:id", s.runPage, anyone)
	pg.GET("/runs/:id/report/:format", s.runDownload, anyone)
	pg.GET("/portfolios", s.portfoliosPage, anyone)
	pg.GET("/reviews", s.reviewsPage, review)
	pg.POST("/reviews/decide", s.decidePost, review)
	pg.GET("/lists", s.listsPage, anyone)
	pg.GET("/lists/:list/diff", s.diffPage, anyone)
	pg.POST("/lists/import", s.importPost, admin)
	pg.GET("/audit", s.auditPage, review)
	pg.GET("/admin/users", s.usersPage, admin)
	pg.POST("/admin/users", s.userPost, admin)
	pg.POST("/admin/keys", s.keyPost, admin)
	pg.POST("/admin/keys/revoke", s.keyRevokePost, admin)

	// Hardening: an admin lifts a sign-in lockout; compliance shares a
	// portfolio with another user or key.
	pg.POST("/admin/users/unlock", s.unlockPost, admin)
	pg.POST("/portfolios/access", s.accessPost, review)

	// Issue 18, a web app to work in all day: paged findings for brokers,
	// a security lookup and the decisions page (the dashboard is "/").
	api.GET("/runs/:id/findings", s.apiFindings)
	pg.GET("/lookup", s.lookupPage, anyone)
	pg.GET("/decisions", s.decisionsPage, review)

	// Issue 16, fund look-through: the registered funds and their holdings
	// dates; compliance uploads a fund's holdings file.
	pg.GET("/funds", s.fundsPage, anyone)
	pg.POST("/funds", s.fundsPost, review)
	api.GET("/funds", s.apiFunds)
}

// pageBodyLimit bounds page request bodies before anything reads them: the
// upload limit for the streamed upload forms, 64 KB for every other form.
func (s *Server) pageBodyLimit() echo.MiddlewareFunc {
	small := middleware.BodyLimit("64K")
	big := s.uploadLimit()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		sm, bg := small(next), big(next)
		return func(c echo.Context) error {
			if streamed[c.Path()] {
				return bg(c)
			}
			return sm(c)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
