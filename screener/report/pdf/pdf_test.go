package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
	"github.com/screener/screener/screener/report/reporttest"
)

func TestSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"CHINA MOBILE LIMITED", "CHINA MOBILE LIMITED"},
		{"Société Générale — Ærø", "Société Générale — Ærø"}, // the Go fonts have these
		{"Газпром", "Газпром"},
		{"中国移动", "????"},
		{"Fund ①", "Fund 1"}, // a character the font lacks decomposes
	} {
		if got := safe(tc.in); got != tc.want {
			t.Errorf("safe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParsePaper(t *testing.T) {
	for in, want := range map[string]string{"": A4, "a4": A4, "A4": A4, "letter": Letter, "Letter": Letter} {
		if got, err := ParsePaper(in); err != nil || got != want {
			t.Errorf("ParsePaper(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParsePaper("legal"); err == nil {
		t.Error("legal paper accepted")
	}
}

// TestWriteText renders the sample report and reads its text back with
// pdftotext: page numbers, every non-clear finding, the clear one
// summarised, and the sign-off with the names given.
func TestWriteText(t *testing.T) {
	r := reporttest.Sample()
	var b bytes.Buffer
	m := report.Meta{SignOff: report.SignOff{PreparedBy: "Zoë Officer", ReviewedBy: "R. Reviewer", Date: "2022-01-11"}}
	if err := Write(&b, r, m, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("SCREENER_REQUIRE_POPPLER") == "1" {
			t.Fatal("pdftotext not found: install poppler-utils")
		}
		t.Skip("pdftotext not found: install poppler-utils to read the PDF's text")
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = &b
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Page 1 of", "SUGON INFORMATION INDUSTRY", "CNE100000PM8", "16941MAA7", `=HYPERLINK("http://attacker.invalid","CHINA`,
		"<script>alert(1)</script> Hikvision", "1 position(s) are clear", "Zoë Officer", "R. Reviewer", "2022-01-11", r.Lists[0].SHA256[:40],
		"12,345,678,901,234,567.89 USD"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, "FR0000130809") {
		t.Error("the clear finding is listed in full; it should be summarised")
	}
}

// FuzzWrite: whatever a security's name and evidence hold, the PDF is
// written without an error or a panic, and safe text is valid UTF-8 the
// font can draw.
func FuzzWrite(f *testing.F) {
	for _, s := range []string{"中国移动", "\xff\xfe", "a\x00b", "(\\) )(", "%%EOF", "ﬁ①", strings.Repeat("W", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := reporttest.Sample()
		r.Findings[0].Security.Name = s
		r.Findings[0].Evidence = []string{s}
		r.Totals = screener.Totals{} // nothing to chart: the fuzzer exercises the text, fast
		r.Findings = r.Findings[:1]
		r.Findings[0].DaysLeft = nil
		var b bytes.Buffer
		if err := Write(&b, r, report.Meta{Digest: "x"}, Options{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
		for _, c := range safe(s) {
			if c >= 0x80 && !glyphs.has(c) {
				t.Fatalf("safe(%q) keeps %U, which the font lacks", s, c)
			}
		}
	})
}

// BenchmarkWriteText is the cost of one small PDF without charts (fonts
// embedded and subset), the unit of FuzzWrite's work.
func BenchmarkWriteText(b *testing.B) {
	r := reporttest.Sample()
	r.Totals = screener.Totals{}
	r.Findings = r.Findings[:1]
	r.Findings[0].DaysLeft = nil
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := Write(&buf, r, report.Meta{Digest: "x"}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
