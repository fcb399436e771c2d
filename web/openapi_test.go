package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

type oaDoc struct {
	Paths      map[string]map[string]oaOp `json:"paths"`
	Components struct {
		Responses map[string]oaResponse `json:"responses"`
	} `json:"components"`
}

type oaOp struct {
	Parameters []struct {
		Name    string `json:"name"`
		In      string `json:"in"`
		Example any    `json:"example"`
	} `json:"parameters"`
	Security    []map[string]any `json:"security"`
	RequestBody *struct {
		Content map[string]struct {
			Example json.RawMessage `json:"example"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]oaResponse `json:"responses"`
}

type oaResponse struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Example map[string]any `json:"example"`
		Schema  struct {
			Ref        string         `json:"$ref"`
			Properties map[string]any `json:"properties"`
		} `json:"schema"`
	} `json:"content"`
}

func loadOpenAPI(t *testing.T, f *fixture) oaDoc {
	t.Helper()
	w := f.api("GET", "/api/v1/openapi.json", "", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("openapi.json: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	var d oaDoc
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOpenAPIRoutes: the document and echo's routes name the same API
// routes and methods.
func TestOpenAPIRoutes(t *testing.T) {
	f := newFixture(t)
	d := loadOpenAPI(t, f)
	var doc, got []string
	for p, ops := range d.Paths {
		for m := range ops {
			doc = append(doc, strings.ToUpper(m)+" "+p)
		}
	}
	for _, r := range f.srv.Routes() {
		if (r.Method != "GET" && r.Method != "POST") || !(strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz") {
			continue
		}
		p := r.Path
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ":") {
				p = strings.Replace(p, seg, "{"+seg[1:]+"}", 1)
			}
		}
		got = append(got, r.Method+" "+p)
	}
	sort.Strings(doc)
	sort.Strings(got)
	if strings.Join(doc, "\n") != strings.Join(got, "\n") {
		t.Errorf("documented:\n%s\nregistered:\n%s", strings.Join(doc, "\n"), strings.Join(got, "\n"))
	}
}

// TestOpenAPIExamples sends each operation's documented example request and
// checks the answer's status is documented and its top-level keys are the
// documented example's; then the same without a key where the document
// promises a 401.
func TestOpenAPIExamples(t *testing.T) {
	f := newFixture(t)
	d := loadOpenAPI(t, f)
	importModified(t, f) // so the diff example has two snapshots
	// Order: screen first, so that run 1 exists for GET /runs/{id}.
	type op struct {
		method, path string
		o            oaOp
	}
	var ops []op
	for p, m := range d.Paths {
		for method, o := range m {
			ops = append(ops, op{strings.ToUpper(method), p, o})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		a, b := ops[i].path == "/api/v1/screen", ops[j].path == "/api/v1/screen"
		if a != b {
			return a
		}
		return ops[i].path+ops[i].method < ops[j].path+ops[j].method
	})
	for _, o := range ops {
		t.Run(o.method+" "+o.path, func(t *testing.T) {
			path, q := o.path, url.Values{}
			for _, p := range o.o.Parameters {
				if p.Example == nil {
					continue
				}
				v := strings.TrimSuffix(strings.TrimSuffix(jsonString(p.Example), `"`), `"`)
				v = strings.TrimPrefix(v, `"`)
				switch p.In {
				case "path":
					path = strings.ReplaceAll(path, "{"+p.Name+"}", v)
				case "query":
					q.Set(p.Name, v)
				}
			}
			if len(q) > 0 {
				path += "?" + q.Encode()
			}
			body := ""
			if o.o.RequestBody != nil {
				body = string(o.o.RequestBody.Content["application/json"].Example)
			}
			// The broker key saved run 1 with the screen example above.
			w := f.api(o.method, path, RoleBroker, body)
			checkDocumented(t, d, o.o, w)
			if _, ok := o.o.Responses["401"]; ok {
				w := f.api(o.method, path, "", body)
				if w.Code != 401 {
					t.Errorf("without a key: %d, want 401", w.Code)
				}
				checkDocumented(t, d, o.o, w)
			}
		})
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func checkDocumented(t *testing.T, d oaDoc, o oaOp, w *httptest.ResponseRecorder) {
	t.Helper()
	code := strconv.Itoa(w.Code)
	resp, ok := o.Responses[code]
	if !ok {
		t.Fatalf("status %d is not documented: %.300s", w.Code, w.Body)
	}
	if resp.Ref != "" {
		resp = d.Components.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")]
	}
	c, ok := resp.Content["application/json"]
	if !ok || c.Example == nil {
		t.Fatalf("status %d has no JSON example", w.Code)
	}
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("status %d: not a JSON object: %v", w.Code, err)
	}
	for k := range c.Example {
		if _, ok := got[k]; !ok {
			t.Errorf("status %d: documented key %q missing from %.200s", w.Code, k, w.Body)
		}
	}
	for k := range got {
		_, inExample := c.Example[k]
		_, inSchema := c.Schema.Properties[k]
		if !inExample && !inSchema && k != "error" {
			t.Errorf("status %d: key %q is not documented", w.Code, k)
		}
	}
}

// TestOpenAPIFileIsServed: the served document is the repository's file.
func TestOpenAPIFileIsServed(t *testing.T) {
	f := newFixture(t)
	want, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	w := f.api("GET", "/api/v1/openapi.json", "", "")
	if w.Code != http.StatusOK || w.Body.String() != string(want) {
		t.Errorf("served document differs from openapi.json")
	}
}
