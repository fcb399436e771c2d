package screener

import (
	"errors"
	"fmt"

	"github.com/screener/screener/screener/jsonw"
)

// Kind classifies an error once, where it arises, so that main and the web
// error handler can render it without looking at its text.
type Kind string

// Error kinds.
const (
	KindInvalid   Kind = "invalid"   // the caller's input is wrong (bad file, bad flag)
	KindNotFound  Kind = "not_found" // a named thing does not exist
	KindConflict  Kind = "conflict"  // the request contradicts stored state
	KindForbidden Kind = "forbidden" // the caller may not do this
	KindTooLarge  Kind = "too_large" // the input costs more than its limits allow (a zip bomb, a huge cell)
	KindInternal  Kind = "internal"  // our fault
)

// Error is an error with a kind and a message written for people.
type Error struct {
	Kind    Kind
	Message string
	Err     error // the cause, for the log; may be nil
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err: the kind of the first *Error or *ParseError
// in its chain, KindInternal otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var p *ParseError
	if errors.As(err, &p) {
		return KindInvalid
	}
	return KindInternal
}

// ParseError is a problem with input at a place in a file: a whole file that
// cannot be read, or one row that is rejected. Line and Column count from 1;
// 0 means unknown.
type ParseError struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column,omitempty"`
	Field  string `json:"field,omitempty"` // column name, where the file has a header
	Reason string `json:"reason"`          // for people: what is wrong and, where known, what was expected
	Err    error  `json:"-"`
}

// AppendJSON appends e as encoding/json writes it (a report's rejected
// rows, tens of thousands in a large bad file, are written by hand as its
// findings are; TestParseErrorJSON holds the two to the same bytes).
func (e *ParseError) AppendJSON(b []byte) []byte {
	b = jsonw.Field(append(b, '{'), `"file":`, e.File)
	b = jsonw.Int(append(b, `,"line":`...), e.Line)
	if e.Column != 0 {
		b = jsonw.Int(append(b, `,"column":`...), e.Column)
	}
	b = jsonw.OmitEmpty(b, `,"field":`, e.Field)
	b = jsonw.Field(b, `,"reason":`, e.Reason)
	return append(b, '}')
}

func (e *ParseError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
		if e.Column > 0 {
			s += fmt.Sprintf(":%d", e.Column)
		}
	}
	if e.Field != "" {
		s += fmt.Sprintf(" (%s)", e.Field)
	}
	return s + ": " + e.Reason
}

func (e *ParseError) Unwrap() error { return e.Err }
