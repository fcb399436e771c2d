package web

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/labstack/echo/v4"
)

// decodeCheck reads the body of POST /api/v1/check into req. A body in the
// plain form brokers send (the fields of checkRequest under their own
// names, each once; strings of printable ASCII without escapes; true,
// false or null for us_person) is read by parseCheck; any other body,
// valid or not, by decodeJSON's encoding/json, so its answer, and its
// error, are encoding/json's. FuzzCheckDecode holds parseCheck to
// encoding/json on whatever it accepts.
func decodeCheck(c echo.Context, req *checkRequest) error {
	bp := bodyBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			bodyBufs.Put(bp)
		}
	}()
	b, err := readBody((*bp)[:0], c.Request().Body)
	*bp = b
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he // over the body limit
		}
		return invalid("the request body is not the JSON expected: %v", err)
	}
	if parseCheck(b, req) {
		return nil
	}
	*req = checkRequest{}
	return decodeJSONFrom(bytes.NewReader(b), req)
}

// bodyBufs are request bodies' buffers, reused.
var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// readBody appends all of r to b.
func readBody(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// parseCheck reads b into req if b is a check request in the plain form
// (see decodeCheck), and reports whether it was. It never errs: a body it
// does not read is encoding/json's to read or refuse.
func parseCheck(b []byte, req *checkRequest) bool {
	p := plainJSON{b: b}
	seen := 0
	ok := p.object(func(key []byte) bool {
		switch {
		case string(key) == "items" && once(&seen, 1):
			req.Items = []checkItem{}
			return p.array(func() bool {
				var it checkItem
				var got int
				ok := p.object(func(key []byte) bool {
					switch {
					case string(key) == "id" && once(&got, 1):
						return p.str(&it.ID)
					case string(key) == "side" && once(&got, 2):
						return p.str(&it.Side)
					case string(key) == "exchange" && once(&got, 4):
						return p.str(&it.Exchange)
					case string(key) == "us_person" && once(&got, 8):
						return p.boolPtr(&it.USPerson)
					}
					return false
				})
				req.Items = append(req.Items, it)
				return ok
			})
		case string(key) == "as_of" && once(&seen, 2):
			return p.str(&req.AsOf)
		case string(key) == "us_person" && once(&seen, 4):
			return p.boolPtr(&req.USPerson)
		}
		return false
	})
	p.ws()
	return ok && p.i == len(p.b)
}

// once reports whether bit is not yet in *seen, and puts it there: a key
// given twice is encoding/json's to read (the last one wins there).
func once(seen *int, bit int) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// plainJSON reads the plain form of JSON parseCheck takes.
type plainJSON struct {
	b []byte
	i int
}

func (p *plainJSON) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// next skips white space and takes c if it comes next.
func (p *plainJSON) next(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object reads {"key": value, ...}, member calling value for each key.
func (p *plainJSON) object(member func(key []byte) bool) bool {
	if !p.next('{') {
		return false
	}
	if p.next('}') {
		return true
	}
	for {
		p.ws()
		key, ok := p.raw()
		if !ok || !p.next(':') {
			return false
		}
		p.ws()
		if !member(key) {
			return false
		}
		if p.next('}') {
			return true
		}
		if !p.next(',') {
			return false
		}
	}
}

// array reads [elem, ...].
func (p *plainJSON) array(elem func() bool) bool {
	if !p.next('[') {
		return false
	}
	if p.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if p.next(']') {
			return true
		}
		if !p.next(',') {
			return false
		}
	}
}

// raw reads a string of printable ASCII with no escape and returns its
// bytes.
func (p *plainJSON) raw() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	for j := p.i + 1; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			s := p.b[p.i+1 : j]
			p.i = j + 1
			return s, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

func (p *plainJSON) str(dst *string) bool {
	s, ok := p.raw()
	if ok {
		*dst = string(s)
	}
	return ok
}

// boolPtr reads true, false (a new bool) or null (nil).
func (p *plainJSON) boolPtr(dst **bool) bool {
	for _, w := range [...]string{"true", "false", "null"} {
		if bytes.HasPrefix(p.b[p.i:], []byte(w)) {
			p.i += len(w)
			switch w {
			case "null":
				*dst = nil
			default:
				v := w == "true"
				*dst = &v
			}
			return true
		}
	}
	return false
}
