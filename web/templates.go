package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
)

//go:embed templates/*.html assets openapi.json
var embedded embed.FS

// pageTemplate is one page parsed together with the layout.
type pageTemplate = *template.Template

// pageData is what every page template receives.
type pageData struct {
	Title string
	User  *principal
	CSRF  string
	Path  string
	Flash string
	Data  any
	// ListWarnings say when a list in use is too old (every page's header).
	ListWarnings []string
}

// errorPage is the data of the error page.
type errorPage struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

var funcs = template.FuncMap{
	"join": func(v any) string {
		switch x := v.(type) {
		case []screener.Basis:
			s := make([]string, len(x))
			for i, b := range x {
				s[i] = string(b)
			}
			return strings.Join(s, ", ")
		case []string:
			return strings.Join(x, ", ")
		}
		return fmt.Sprint(v)
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"can":         func(p *principal, roles ...string) bool { return p != nil && (p.Role == RoleAdmin || p.has(roles...)) },
	"statusClass": func(s screener.Status) string { return "st-" + strings.ReplaceAll(string(s), "_", "-") },
	"deref": func(p *int) string {
		if p == nil {
			return ""
		}
		return groupDigits(strconv.Itoa(*p))
	},
}

// parsePages parses each page with the layout.
func parsePages() (map[string]pageTemplate, error) {
	names, err := fs.Glob(embedded, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]pageTemplate{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(embedded, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		out[base] = t
	}
	return out, nil
}

// render writes page name with status 200.
func (s *Server) render(c echo.Context, name string, d pageData) error {
	return s.renderStatus(c, http.StatusOK, name, d)
}

// renderStatus executes the page into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (s *Server) renderStatus(c echo.Context, status int, name string, d pageData) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	d.User = who(c)
	d.CSRF = csrfToken(c)
	d.Path = c.Request().URL.Path
	if d.User != nil {
		d.ListWarnings = s.listWarnings()
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		s.log.Error("render", "page", name, "err", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return c.String(http.StatusInternalServerError, "internal error rendering the page")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
