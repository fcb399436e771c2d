package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

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
