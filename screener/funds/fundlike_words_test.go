package funds

import (
	"strings"
	"testing"
)

// wordsOf finds what hasWord finds: a one-word phrase exactly when hasWord
// does; a phrase of several words whenever hasWord does (and also across
// other separators than one space, "MONEY-MARKET").
func FuzzWordsOf(f *testing.F) {
	for _, s := range []string{"ISHARES MSCI CHINA ETF", "Money Market Fund", "MONEY-MARKET", "Nippon Building Fund Investment Corp",
		"etf", "xETF", "ETF中国", "中国ETF", "a.b,c fund", "ETFſ", "ETFs", "money marKet", "Real Estate Fund", strings.Repeat("w ", 60) + "ETF", ""} {
		f.Add(s)
	}
	all := [][]phrase{realEstateWords, classWords, nameWords, weakNameWords, cashWords}
	f.Fuzz(func(t *testing.T, s string) {
		var w wordsOf
		w.cut(s)
		for _, ps := range all {
			want := ""
			for _, p := range ps {
				got, old := w.has(p), hasWord(s, p.text)
				if len(p.words) == 1 && got != old || old && !got {
					t.Errorf("%q has %q: %v, hasWord %v", s, p.text, got, old)
				}
				if got && want == "" {
					want = p.text
				}
			}
			// first skips the phrases of a name with no word that
			// starts one (wordsOf.some): never one it holds.
			if got := w.first(ps); got != want {
				t.Errorf("%q: first %q, the first phrase it has %q", s, got, want)
			}
		}
	})
}

func TestWordsOfLongName(t *testing.T) {
	var w wordsOf
	w.cut(strings.Repeat("alpha ", maxWords+5) + "ucits")
	if !w.long || !w.has(phrases("UCITS")[0]) || w.has(phrases("ETF")[0]) {
		t.Errorf("a name of more than %d words: long %v", maxWords, w.long)
	}
}
