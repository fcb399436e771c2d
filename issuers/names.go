package issuers

import (
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Issuer-name normalisation (RULES.md M-5).
//
// A name becomes a list of tokens: upper case, accents folded, "&" read as
// AND, apostrophes dropped (XI'AN → XIAN), every other punctuation mark a
// separator, dotted initials joined (S.A. → SA). Then:
//
//   - legal-form tokens are dropped wherever they stand (CO, COMPANY, LTD,
//     LIMITED, CORP, CORPORATION, INC, PLC, LLC, SA, AG, NV, ... and
//     "SA DE CV", "PUBLIC JOINT STOCK COMPANY"...), and remembered as a
//     legal-form family (see formMask);
//   - share-class and line words are dropped from the end (H, A, B, CLASS A,
//     ADR, SPONSORED ADR, GDR, SHS, ORD, REG S, 144A...): CGN POWER CO LTD-H
//     and CGN POWER LTD H are both CGN POWER;
//   - THE is dropped, HOLDINGS becomes HOLDING, and a few abbreviations are
//     spelt out (INTL, MFG, HLDGS, GRP, TECH, NATL).
//
// Tokens that tell listed entities apart are kept: GROUP, HOLDING, HONG KONG,
// INVESTMENT, COMMUNICATIONS, CONSTRUCTION... China Mobile Ltd is CHINA
// MOBILE; China Mobile Communications Group Co., Ltd. is CHINA MOBILE
// COMMUNICATIONS GROUP. "(GROUP)" loses its brackets, not its word.
//
// Abbreviated or truncated words (Bloomberg's CHINA COMMUNICATIONS CONST-H,
// iShares' INSPUR ELECTRONIC INFORMATION INDU) are not expanded here: they
// never make an exact match, and NameIndex.Similar scores them.

// NormalizeName returns the normalised form of an issuer or entity name
// (see above): "CHINA RAILWAY CONSTRUCTION CORP LTD-H" and "China Railway
// Construction Corporation Limited" both give "CHINA RAILWAY CONSTRUCTION".
// It returns "" for a name that is nothing but legal forms or punctuation.
func NormalizeName(s string) string {
	toks, _ := analyzeName(s, nil)
	return strings.Join(toks, " ")
}

// SameLegalName reports whether a and b are the same legal name, as
// NameIndex.Exact compares them: equal normalised names whose legal forms
// are both present and of one family ("China Railway Group Limited" and
// "CHINA RAILWAY GROUP LTD-H"; not "CoStar Group Inc" and "COSTAR GROUP
// CO., LTD.", nor a bare brand).
func SameLegalName(a, b string) bool {
	ta, fa := analyzeName(a, nil)
	tb, fb := analyzeName(b, nil)
	return len(ta) > 0 && fa.compatible(fb) && strings.Join(ta, " ") == strings.Join(tb, " ")
}

// formMask is the legal-form family of a name: a bit per group of legal
// forms that are written interchangeably for the same company; 0 for a
// name with no legal form (a brand, an alias, a truncated name).
//
// Exact matching compares legal names: two names with the same tokens are
// the same name only if both carry a legal form and their families meet
// (mask1&mask2 != 0). This keeps apart
//   - CoStar Group Inc (a US company in the iShares ACWI files) and
//     COSTAR GROUP CO., LTD. (a Chinese company on the NS-CMIC list);
//   - the bare "Industrial Bank" (China's, as the CSI 300 file names it) and
//     SDN entry 17243 INDUSTRIAL BANK (Syria's);
//   - "CNOOC Ltd" (the listed subsidiary, 30926) and the bare "CNOOC" that
//     OFAC gives as an alias of the parent (30956), or "China Mobile Ltd"
//     (30923) and the group's alias "CHINA MOBILE" (30944).
//
// Such pairs still score high in Similar, for a person to review.
type formMask uint8

const (
	formLtd      formMask = 1 << iota // Commonwealth and Chinese: CO, COMPANY, LTD, LIMITED, PLC, PTE, PTY, BHD
	formInc                           // American: INC, INCORPORATED, LLC
	formRomance                       // SA, SAB DE CV, SPA, SRL, SAS, LTDA
	formGermanic                      // AG, GMBH, KGAA, SE, NV, BV
	formNordic                        // AB, ASA, AS (A/S), OYJ, ABP
	formRussian                       // PJSC, JSC, OJSC, OAO, PAO, ZAO
	formAsian                         // TBK, PT, PCL, KK, SAOG, QSC, PSC
	formAll      formMask = 1<<iota - 1
)

// compatible reports whether two names with equal tokens are the same
// legal name.
func (a formMask) compatible(b formMask) bool { return a&b != 0 }

// legalForms maps a (canonical) legal-form token to its families.
var legalForms = map[string]formMask{
	"CO": formLtd, "COMPANY": formLtd, "LTD": formLtd, "LIMITED": formLtd, "PLC": formLtd,
	"PTE": formLtd, "PTY": formLtd, "BHD": formLtd, "BERHAD": formLtd, "SDN": formLtd,
	"CORP": formLtd | formInc, "CORPORATION": formLtd | formInc, "LP": formLtd | formInc, "LLP": formLtd | formInc,
	"INC": formInc, "INCORPORATED": formInc, "LLC": formInc,
	"SA": formRomance, "SAB": formRomance, "SPA": formRomance, "SRL": formRomance, "SAS": formRomance,
	"SCA": formRomance, "LTDA": formRomance, "SAA": formRomance,
	"AG": formGermanic, "GMBH": formGermanic, "KGAA": formGermanic, "SE": formGermanic, "NV": formGermanic, "BV": formGermanic,
	"AB": formNordic, "ASA": formNordic, "AS": formNordic, "OYJ": formNordic, "ABP": formNordic, "PUBL": formNordic,
	"PJSC": formRussian, "JSC": formRussian, "OJSC": formRussian, "OAO": formRussian, "PAO": formRussian, "ZAO": formRussian,
	"TBK": formAsian, "PT": formAsian, "PCL": formAsian, "KK": formAsian, "SAOG": formAsian, "QSC": formAsian,
	"QPSC": formAsian, "PSC": formAsian,
}

// formPhrases are legal forms of several words, matched before the single
// tokens; each becomes the given single form token.
var formPhrases = []struct {
	words []string
	form  string
}{
	{[]string{"SAB", "DE", "CV"}, "SAB"},
	{[]string{"SA", "DE", "CV"}, "SA"},
	{[]string{"PUBLIC", "JOINT", "STOCK", "CO"}, "PJSC"},
	{[]string{"PUBLIC", "JOINT", "STOCK", "COMPANY"}, "PJSC"},
	{[]string{"JOINT", "STOCK", "CO"}, "JSC"},
	{[]string{"JOINT", "STOCK", "COMPANY"}, "JSC"},
	{[]string{"PUBLIC", "LIMITED", "CO"}, "PLC"},
	{[]string{"PUBLIC", "LIMITED", "COMPANY"}, "PLC"},
	{[]string{"PUBLIC", "CO", "LTD"}, "PCL"},
	{[]string{"KABUSHIKI", "KAISHA"}, "KK"},
}

// tokenSpelling spells out abbreviations and unifies variants.
var tokenSpelling = map[string]string{
	"HOLDINGS": "HOLDING", "HLDGS": "HOLDING", "HLDG": "HOLDING",
	"INTL": "INTERNATIONAL", "INTERNATL": "INTERNATIONAL", "MFG": "MANUFACTURING", "GRP": "GROUP",
	"TECH": "TECHNOLOGY", "NATL": "NATIONAL",
}

// trailingLine are words that name a share class or a kind of line, and
// are dropped from the end of a name.
var trailingLine = map[string]bool{
	"A": true, "B": true, "H": true, "N": true, "S": true, "D": true,
	"CLASS": true, "CL": true, "SERIES": true,
	"ADR": true, "ADRS": true, "ADS": true, "GDR": true, "GDRS": true, "SDR": true, "CDR": true, "BDR": true, "EDR": true,
	"DR": true, "DRS": true, "CEDEAR": true, "SPONSORED": true, "SPON": true, "UNSPONSORED": true, "UNSPON": true,
	"SHS": true, "SH": true, "SHARES": true, "SHARE": true, "ORD": true, "ORDINARY": true,
	"REG": true, "REGS": true, "144A": true, "REGISTERED": true, "NPV": true,
	"PREF": true, "PFD": true, "PREFERRED": true, "REPR": true, "RECEIPT": true, "RECEIPTS": true,
	"DEPOSITARY": true, "DEPOSITORY": true, "UNIT": true, "UNITS": true,
	// description tails: COMMON STOCK, COM STK, SP ADR, -R (a Thai NVDR
	// line), NVDR
	"COMMON": true, "STOCK": true, "STK": true, "COM": true, "SP": true, "R": true, "NVDR": true,
}

// IsDepositaryReceipt reports whether a security description names a
// depositary receipt: ADR, ADS, GDR (and their plurals), SDR, CDR, EDR, or
// DEPOSITARY / DEPOSITORY RECEIPT. The receipt's issuer rules apply to it
// (RULES.md M-2 (5)); the matcher says so in the evidence.
func IsDepositaryReceipt(desc string) bool {
	toks := tokenize(desc, nil)
	for i, t := range toks {
		switch t {
		case "ADR", "ADRS", "ADS", "GDR", "GDRS", "SDR", "CDR", "EDR":
			return true
		case "DEPOSITARY", "DEPOSITORY":
			if i+1 < len(toks) && strings.HasPrefix(toks[i+1], "RECEIPT") {
				return true
			}
		}
	}
	return false
}

// parCurrencies are the currencies a par value in a security description
// is written in.
var parCurrencies = map[string]bool{
	"HKD": true, "USD": true, "CNY": true, "RMB": true, "EUR": true, "GBP": true, "GBX": true, "JPY": true,
	"KRW": true, "TWD": true, "NTD": true, "SGD": true, "INR": true, "RUB": true, "CHF": true, "CAD": true,
	"AUD": true, "BRL": true, "MYR": true, "THB": true, "IDR": true, "ZAR": true, "MXN": true, "SEK": true,
	"NOK": true, "DKK": true, "PLN": true, "TRY": true, "SAR": true, "AED": true, "QAR": true, "KWD": true,
}

// parValueTail returns how many tokens at the end of toks are a par value
// with its currency (HKD 0.00001 → HKD 0 00001; USD0.01 → USD0 01;
// HKD 1), or 0. Numbers without a currency are kept: they may be part of
// the name.
func parValueTail(toks []string) int {
	n := 0
	for n < len(toks) && allDigitsStr(toks[len(toks)-1-n]) {
		n++
	}
	if n == 0 || n == len(toks) {
		return 0
	}
	t := toks[len(toks)-1-n]
	if parCurrencies[t] {
		return n + 1
	}
	if len(t) > 3 && parCurrencies[t[:3]] && allDigitsStr(t[3:]) { // USD0.01 read as USD0 01
		return n + 1
	}
	return 0
}

func allDigitsStr(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// analyzeName splits s into normalised tokens, appended to dst, and
// returns them with the legal-form family of the name.
func analyzeName(s string, dst []string) ([]string, formMask) {
	toks, forms, _ := analyzeNameCut(s, dst)
	return toks, forms
}

// Truncation. Bloomberg cuts names at about 30 characters (CHINA
// COMMUNICATIONS CONST-H), iShares at 34 (INSPUR ELECTRONIC INFORMATION
// INDU). A last word may have been cut when the name is at least
// minCutName characters long, the word at least minPrefixLen letters, and
// no legal form follows it (FOX CORP: FOX is whole).
const (
	minCutName   = 20
	minPrefixLen = 4
)

// maxNameTokens caps the words read from a name (no real name comes near):
// scoring keeps a bit per word in a uint64.
const maxNameTokens = 64

// analyzeNameCut is analyzeName that also says whether the last token may
// be a truncated word.
func analyzeNameCut(s string, dst []string) ([]string, formMask, bool) {
	toks := tokenize(s, dst[:0])
	// Canonical spellings.
	for i, t := range toks {
		if r, ok := tokenSpelling[t]; ok {
			toks[i] = r
		}
	}
	// Legal forms: phrases first, then single tokens, wherever they stand.
	var forms formMask
	var formAfter uint64 // bit i: a legal form follows kept token i
	seen := false
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		n, form := matchFormPhrase(toks[i:])
		m, ok := legalForms[toks[i]]
		if n > 0 {
			m, ok = legalForms[form], true
			i += n - 1
		}
		if ok {
			forms, seen = addForm(forms, seen, m)
			if k := len(out) - 1; k >= 0 && k < 64 {
				formAfter |= 1 << k
			}
			continue
		}
		if toks[i] == "THE" {
			continue
		}
		out = append(out, toks[i])
	}
	toks = out
	if len(toks) > maxNameTokens {
		toks = toks[:maxNameTokens]
	}
	// Share classes, lines and description tails (COMMON STOCK, a par
	// value such as HKD 0.00001) from the end, keeping at least one token.
	// A word followed by a description word was not cut; one followed by
	// a share class may be (CHINA COMMUNICATIONS CONST-H).
	described := false
	for len(toks) > 1 {
		if t := toks[len(toks)-1]; trailingLine[t] {
			described = described || (len(t) > 1 && t != "CL" && t != "CLASS")
			toks = toks[:len(toks)-1]
			continue
		}
		if n := parValueTail(toks); n > 0 && n < len(toks) {
			toks = toks[:len(toks)-n]
			described = true
			continue
		}
		break
	}
	cut := false
	if k := len(toks) - 1; k >= 0 && k < 64 && !described {
		cut = len(s) >= minCutName && len(toks[k]) >= minPrefixLen && formAfter&(1<<k) == 0
	}
	return toks, forms, cut
}

func addForm(forms formMask, seen bool, m formMask) (formMask, bool) {
	if !seen {
		return m, true
	}
	if f := forms & m; f != 0 {
		return f, true
	}
	return formAll, true // mixed families (INC LTD): compatible with any formed name
}

func matchFormPhrase(toks []string) (int, string) {
	for _, p := range formPhrases {
		if len(toks) < len(p.words) || toks[0] != p.words[0] {
			continue
		}
		ok := true
		for j, w := range p.words {
			if toks[j] != w {
				ok = false
				break
			}
		}
		if ok {
			return len(p.words), p.form
		}
	}
	return 0, ""
}

// tokenize splits s into upper-case tokens of letters and digits. "&"
// becomes the token AND; apostrophes join (XI'AN → XIAN); single letters
// separated only by dots or slashes join (S.A. → SA, S.A.B. DE C.V. →
// SAB DE CV, A/S → AS), while spaced ones stay apart (CLASS A B).
func tokenize(s string, toks []string) []string {
	var buf [64]byte
	b := buf[:0]
	prevSingle := false // the last token is a single letter ...
	dotted := false     // ... followed so far only by dots, slashes and spaces, at least one dot or slash
	flush := func() {
		if len(b) == 0 {
			return
		}
		if len(b) == 1 && isUpper(b[0]) {
			if prevSingle && dotted {
				toks[len(toks)-1] += string(b)
			} else {
				toks = append(toks, string(b))
			}
			prevSingle, dotted = true, false
		} else {
			toks = append(toks, string(b))
			prevSingle = false
		}
		b = b[:0]
	}
	sep := func(c rune) {
		flush()
		switch c {
		case '.', '/':
			dotted = prevSingle
		case ' ':
		default:
			prevSingle = false
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z':
				b = append(b, c-'a'+'A')
			case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				b = append(b, c)
			case c == '\'' || c == '`':
				// XI'AN → XIAN
			case c == '&':
				sep('&')
				toks = append(toks, "AND")
			default:
				sep(rune(c))
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '’', '‘', 'ʼ':
			continue
		case '＆':
			sep('&')
			toks = append(toks, "AND")
			continue
		}
		if f, ok := foldLatin(r); ok {
			b = append(b, f...)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b = utf8.AppendRune(b, unicode.ToUpper(r))
			continue
		}
		sep(r)
	}
	flush()
	return toks
}

// foldLatin maps accented Latin letters to plain capitals.
func foldLatin(r rune) (string, bool) {
	switch unicode.ToUpper(r) {
	case 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'Ā', 'Ă', 'Ą':
		return "A", true
	case 'Æ':
		return "AE", true
	case 'Ç', 'Ć', 'Č':
		return "C", true
	case 'Ď', 'Đ':
		return "D", true
	case 'È', 'É', 'Ê', 'Ë', 'Ē', 'Ė', 'Ę', 'Ě':
		return "E", true
	case 'Ì', 'Í', 'Î', 'Ï', 'Ī', 'İ':
		return "I", true
	case 'Ł':
		return "L", true
	case 'Ñ', 'Ń', 'Ň':
		return "N", true
	case 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', 'Ø', 'Ō', 'Ő':
		return "O", true
	case 'Œ':
		return "OE", true
	case 'Ř':
		return "R", true
	case 'Ś', 'Š', 'Ş':
		return "S", true
	case 'Ť', 'Ţ':
		return "T", true
	case 'Ù', 'Ú', 'Û', 'Ü', 'Ū', 'Ů', 'Ű':
		return "U", true
	case 'Ý', 'Ÿ':
		return "Y", true
	case 'Ź', 'Ż', 'Ž':
		return "Z", true
	}
	if r == 'ß' {
		return "SS", true
	}
	return "", false
}

// ---------------------------------------------------------------------------
// NameIndex

// ReviewThreshold is the Similar score at or above which a match is worth a
// person's review (a NAME_SIMILAR case, RULES.md M-6; never a prohibition).
//
// Calibrated on the 613 labelled pairs of testdata/names-pairs.csv
// (TestNamePairsCalibration -v): at 0.70, with weights from the OFAC SDN
// and consolidated entity names, precision 0.78 and recall 0.75 on the
// pairs other than bare acronyms (AECC, CRCC...), which no name measure
// finds (0.76 and 0.76 before distinctPenalty). Most misses are renamings
// (Dongan Heibao for AVIC Shenyang Aircraft) and most false alarms are the
// related entities RULES.md wants reviewed anyway (China United Network
// Communications Ltd against the listed group), which the matcher turns
// into info when a relation explains them.
const ReviewThreshold = 0.70

// NameHit is an exact match: a key and the name of that key that matched.
type NameHit struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// NameMatch is a scored match from Similar or Compare. Score is in 0..1: 1
// only for names that are exactly equal (Exact); the rest is the weighted
// share of tokens the two names have in common (see Similar). Matched are
// the query's tokens found in the candidate; a truncated or plural one is
// written "CONST~CONSTRUCTION", a split one "GREAT+WALL=GREATWALL".
// Unmatched are the tokens of either name with no
// partner, the query's first, then "(no legal form)" when either name has
// none or "(legal forms differ)" (INC against CO LTD), which cost the score
// 5% or 10%.
type NameMatch struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Score     float64  `json:"score"`
	Matched   []string `json:"matched"`
	Unmatched []string `json:"unmatched"`
}

// NameIndex finds the names that equal or resemble an issuer name. Keys are
// the caller's (an OFAC entry such as "OFAC-CONSOLIDATED/30923"); a key may
// have many names.
//
// Exact compares normalised names (NormalizeName) with compatible legal
// forms in a map. Similar scores by shared tokens, each weighted by how
// rare it is among the index's keys (an inverse document frequency), so
// that CHINA, GROUP, HOLDING or TECHNOLOGY count for little and MOBILE or
// HIKVISION for much; candidates come from the posting lists of the
// query's rarer tokens only (token blocking), so that a query scores a few
// dozen names, not the whole index.
//
// Add all names, then query. Queries are safe for concurrent use; an Add
// waits for running queries and the next query recomputes the weights.
type NameIndex struct {
	mu    sync.RWMutex
	dirty bool

	entries []nameEntry
	exact   map[string][]int32 // normalised name → entries
	keyIDs  map[string]int32
	vocab   map[string]int32 // token → id
	tokens  []string         // id → token
	posts   [][]int32        // id → entries holding the token (ascending, unique)

	// computed by prepare
	weight  []float32 // id → weight
	df      []int32   // id → number of keys holding the token
	byText  []int32   // token ids sorted by text, for prefix search
	maxW    float32   // weight of a token no key holds
	blockDF int32     // tokens held by more keys are not used to find candidates

	scratch sync.Pool
}

type nameEntry struct {
	key   string
	keyID int32
	name  string
	toks  []int32 // unique token ids in name order
	forms formMask
	cut   bool    // the last token may be truncated
	total float32 // sum of the tokens' weights
}

// NewNameIndex returns an empty index.
func NewNameIndex() *NameIndex {
	return &NameIndex{exact: map[string][]int32{}, keyIDs: map[string]int32{}, vocab: map[string]int32{}}
}

// Len returns the number of names held (after dropping duplicates).
func (x *NameIndex) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.entries)
}

// Add records name under key. A name that normalises to nothing, or that
// the key already has in the same normalised form, is ignored.
func (x *NameIndex) Add(key, name string) {
	toks, forms, cut := analyzeNameCut(name, nil)
	if len(toks) == 0 {
		return
	}
	norm := strings.Join(toks, " ")
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range x.exact[norm] {
		if e := &x.entries[id]; e.key == key && e.forms == forms {
			return
		}
	}
	kid, ok := x.keyIDs[key]
	if !ok {
		kid = int32(len(x.keyIDs))
		x.keyIDs[key] = kid
	}
	eid := int32(len(x.entries))
	e := nameEntry{key: key, keyID: kid, name: name, forms: forms, cut: cut, toks: make([]int32, 0, len(toks))}
	for _, t := range toks {
		id, ok := x.vocab[t]
		if !ok {
			id = int32(len(x.tokens))
			x.vocab[t] = id
			x.tokens = append(x.tokens, t)
			x.posts = append(x.posts, nil)
		}
		if containsID(e.toks, id) {
			continue
		}
		e.toks = append(e.toks, id)
		x.posts[id] = append(x.posts[id], eid)
	}
	e.cut = e.cut && len(e.toks) == len(toks)
	x.entries = append(x.entries, e)
	x.exact[norm] = append(x.exact[norm], eid)
	x.dirty = true
}

func containsID(ids []int32, id int32) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// prepare computes the weights after Adds. It returns with the read lock
// held and the weights up to date.
func (x *NameIndex) prepare() {
	for {
		x.mu.RLock()
		if !x.dirty {
			return
		}
		x.mu.RUnlock()
		x.mu.Lock()
		if x.dirty {
			x.rebuild()
			x.dirty = false
		}
		x.mu.Unlock()
	}
}

func (x *NameIndex) rebuild() {
	nKeys := len(x.keyIDs)
	n := float64(nKeys)
	x.weight = make([]float32, len(x.tokens))
	x.df = make([]int32, len(x.tokens))
	stamp := make([]int32, nKeys)
	for i := range stamp {
		stamp[i] = -1
	}
	for id, post := range x.posts {
		df := int32(0)
		for _, eid := range post {
			k := x.entries[eid].keyID
			if stamp[k] != int32(id) {
				stamp[k] = int32(id)
				df++
			}
		}
		x.df[id] = df
		x.weight[id] = idf(n, float64(df))
	}
	x.maxW = idf(n, 1)
	for i := range x.entries {
		e := &x.entries[i]
		e.total = 0
		for _, id := range e.toks {
			e.total += x.weight[id]
		}
	}
	x.byText = make([]int32, len(x.tokens))
	for i := range x.byText {
		x.byText[i] = int32(i)
	}
	sort.Slice(x.byText, func(i, j int) bool { return x.tokens[x.byText[i]] < x.tokens[x.byText[j]] })
	// A token held by more than 2% of the keys (and more than 20) is too
	// common to find candidates with: CHINA, GROUP, TECHNOLOGY...
	x.blockDF = int32(max(20, nKeys/50))
}

// idf weighs a token held by df of n keys: log(1+n/df), squared so that a
// rare word outweighs several common ones.
func idf(n, df float64) float32 {
	w := math.Log(1 + n/df)
	return float32(w * w)
}

// Exact returns the names that equal name after normalisation, one hit per
// key, in the order they were added. It compares legal names: both must
// carry a legal form of the same family (see formMask), so "COSTAR GROUP
// INC" does not equal "COSTAR GROUP CO., LTD.", and neither "CNOOC" nor
// "Industrial Bank" equals anything here. Truncated words never match.
func (x *NameIndex) Exact(name string) []NameHit {
	toks, forms := analyzeName(name, nil)
	if len(toks) == 0 {
		return nil
	}
	norm := strings.Join(toks, " ")
	x.mu.RLock()
	defer x.mu.RUnlock()
	var hits []NameHit
	for _, eid := range x.exact[norm] {
		e := &x.entries[eid]
		if !forms.compatible(e.forms) || hasKey(hits, e.key) {
			continue
		}
		hits = append(hits, NameHit{Key: e.key, Name: e.name})
	}
	return hits
}

func hasKey(hits []NameHit, key string) bool {
	for _, h := range hits {
		if h.Key == key {
			return true
		}
	}
	return false
}

// query is an analysed query name.
type query struct {
	toks   []string
	ids    []int32   // vocabulary id per token, -1 when unknown
	w      []float32 // weight per token
	forms  formMask
	prefix []int32 // vocabulary tokens that the last query token is a strict prefix of
	cut    bool    // the last token may be truncated
}

func (x *NameIndex) analyzeQuery(name string, buf []string) query {
	toks, forms, cut := analyzeNameCut(name, buf)
	// drop duplicate tokens
	out := toks[:0]
	for _, t := range toks {
		dup := false
		for _, u := range out {
			if u == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	q := query{toks: out, forms: forms, cut: cut && len(out) == len(toks), ids: make([]int32, len(out)), w: make([]float32, len(out))}
	for i, t := range out {
		if id, ok := x.vocab[t]; ok {
			q.ids[i], q.w[i] = id, x.weight[id]
		} else {
			q.ids[i], q.w[i] = -1, x.maxW
		}
	}
	if q.cut {
		q.prefix = x.prefixed(out[len(out)-1])
	}
	return q
}

// prefixed returns the ids of vocabulary tokens that p is a strict prefix
// of, at most 64.
func (x *NameIndex) prefixed(p string) []int32 {
	i := sort.Search(len(x.byText), func(i int) bool { return x.tokens[x.byText[i]] >= p })
	var ids []int32
	for ; i < len(x.byText) && len(ids) < 64; i++ {
		t := x.tokens[x.byText[i]]
		if !strings.HasPrefix(t, p) {
			break
		}
		if len(t) > len(p) {
			ids = append(ids, x.byText[i])
		}
	}
	return ids
}

type nameScratch struct {
	stamp   []uint32
	epoch   uint32
	touched []int32
	scored  []scoredEntry
	buf     []string
}

type scoredEntry struct {
	eid   int32
	score float32
}

func (x *NameIndex) getScratch() *nameScratch {
	if s, ok := x.scratch.Get().(*nameScratch); ok && len(s.stamp) == len(x.entries) {
		return s
	}
	return &nameScratch{stamp: make([]uint32, len(x.entries))}
}

// minSimilar is the lowest score Similar returns.
const minSimilar = 0.3

// Similar returns up to limit keys whose names resemble name, best first,
// one match (the best name) per key, scoring at least 0.3. The score is a
// weighted Dice coefficient: twice the weight of the tokens the names share, over the
// weight of both names' tokens, each token weighted by its rarity among
// the keys. A truncated last word (CONST for CONSTRUCTION, Bloomberg and
// iShares cut long names) counts as 0.9 of the word it begins, in either
// name; a singular for a plural and two words for one joined word
// (GREAT WALL, GREATWALL) count 0.95. The score loses 10% when the legal
// forms conflict and 5% when either name has none, so that 1 is kept for
// Exact matches. Scores at or above ReviewThreshold are worth a person's
// review.
func (x *NameIndex) Similar(name string, limit int) []NameMatch {
	if limit <= 0 {
		return nil
	}
	x.prepare()
	defer x.mu.RUnlock()
	if len(x.entries) == 0 {
		return nil
	}
	s := x.getScratch()
	defer x.scratch.Put(s)
	q := x.analyzeQuery(name, s.buf)
	s.buf = q.toks[:0]
	if len(q.toks) == 0 {
		return nil
	}
	// Candidates: postings of the query's rare tokens, or of its rarest
	// token when all are common, and of the words its last token begins.
	s.epoch++
	if s.epoch == 0 {
		clear(s.stamp)
		s.epoch = 1
	}
	s.touched = s.touched[:0]
	touch := func(post []int32) {
		for _, eid := range post {
			if s.stamp[eid] != s.epoch {
				s.stamp[eid] = s.epoch
				s.touched = append(s.touched, eid)
			}
		}
	}
	rarest := int32(-1)
	for _, id := range q.ids {
		if id < 0 {
			continue
		}
		if x.df[id] <= x.blockDF {
			touch(x.posts[id])
		}
		if rarest < 0 || x.df[id] < x.df[rarest] {
			rarest = id
		}
	}
	if len(s.touched) == 0 && rarest >= 0 {
		// Only common words are known: a candidate can share at most
		// those, and if even that cannot reach minSimilar, skip them.
		var all, common float32
		for i, id := range q.ids {
			all += q.w[i]
			if id >= 0 {
				common += q.w[i]
			}
		}
		if 2*common/(all+common) >= minSimilar {
			touch(x.posts[rarest])
		}
	}
	for _, id := range q.prefix {
		if x.df[id] <= x.blockDF {
			touch(x.posts[id])
		}
	}
	// Score, keep the best entry per key.
	s.scored = s.scored[:0]
	for _, eid := range s.touched {
		sc := x.score(&q, &x.entries[eid], nil)
		if sc >= minSimilar {
			s.scored = append(s.scored, scoredEntry{eid, sc})
		}
	}
	sort.Slice(s.scored, func(i, j int) bool {
		a, b := s.scored[i], s.scored[j]
		if a.score != b.score {
			return a.score > b.score
		}
		ea, eb := &x.entries[a.eid], &x.entries[b.eid]
		if ea.key != eb.key {
			return ea.key < eb.key
		}
		return a.eid < b.eid
	})
	var out []NameMatch
	for _, se := range s.scored {
		e := &x.entries[se.eid]
		if containsMatch(out, e.key) {
			continue
		}
		m := NameMatch{Key: e.key, Name: e.name}
		m.Score = float64(x.score(&q, e, &m))
		out = append(out, m)
		if len(out) == limit {
			break
		}
	}
	return out
}

func containsMatch(ms []NameMatch, key string) bool {
	for i := range ms {
		if ms[i].Key == key {
			return true
		}
	}
	return false
}

// Compare scores candidate against query as Similar would, with the
// index's weights (a word the index does not hold weighs as the rarest).
// The returned match has no key.
func (x *NameIndex) Compare(query, candidate string) NameMatch {
	x.prepare()
	defer x.mu.RUnlock()
	q := x.analyzeQuery(query, nil)
	ctoks, cforms, ccut := analyzeNameCut(candidate, nil)
	e := nameEntry{name: candidate, forms: cforms}
	var extra []string // candidate tokens not in the vocabulary
	for _, t := range ctoks {
		if id, ok := x.vocab[t]; ok {
			if !containsID(e.toks, id) {
				e.toks = append(e.toks, id)
				e.total += x.weight[id]
			}
			continue
		}
		e.toks = append(e.toks, int32(-1-len(extra)))
		extra = append(extra, t)
		e.total += x.maxW
	}
	e.cut = ccut && len(e.toks) == len(ctoks)
	m := NameMatch{Name: candidate}
	m.Score = float64(x.scoreWith(&q, &e, &m, extra))
	return m
}

// distinctPenaltyFactor is what a pair's score is multiplied by when it
// shares too few distinctive words: enough to take any such pair below
// ReviewThreshold unless its names are otherwise equal.
const distinctPenaltyFactor = 0.75

// distinctive reports whether token id is rare enough to tell entities
// apart: held by no more keys than the blocking limit (CHINA, GROUP, BANK,
// NATIONAL... are not). A word the index does not hold is distinctive.
func (x *NameIndex) distinctive(id int32) bool {
	return id < 0 || int(id) >= len(x.df) || x.df[id] <= x.blockDF
}

// distinctPenalty scores what the two names' distinctive words say (RULES.md
// M-6: a review must be worth a person's time). A pair is penalised when
//   - it shares one word only and both names have words without a
//     partner (KUNLUN TECH / BANK OF KUNLUN);
//   - each name has a distinctive word the other lacks, or a leading
//     word (where names put their brand) without a partner: two
//     different names that share a description (BARWA REAL ESTATE / VTB
//     REAL ESTATE, OIL INDIA / SBERBANK INDIA);
//   - it shares no distinctive word at all, and the names differ.
//
// A name wholly inside the other keeps its score: a brand against the
// legal name (CLOUDWALK, CLOUDWALK TECHNOLOGY), a subsidiary against its
// parent (CHINA NATIONAL NUCLEAR POWER, CHINA NATIONAL NUCLEAR
// CORPORATION). Where such a pair is two companies (ORION CORP of Korea,
// KONTSERN ORION of Russia) the markets tell them apart, not the words:
// the matcher lowers the score of a name whose holding trades where the
// listed entity has no line or address.
func (x *NameIndex) distinctPenalty(q *query, e *nameEntry, mq, mc uint64) (float32, string) {
	shared, all, uq, uc, dq, dc := 0, 0, 0, 0, 0, 0
	for j, cid := range e.toks {
		if j >= 64 {
			break
		}
		if mc&(1<<j) != 0 {
			all++
			if x.distinctive(cid) {
				shared++
			}
			continue
		}
		uc++
		if x.distinctive(cid) || j == 0 {
			dc++
		}
	}
	for i, qid := range q.ids {
		if i >= 64 || mq&(1<<i) != 0 {
			continue
		}
		uq++
		if x.distinctive(qid) || i == 0 {
			dq++
		}
	}
	switch {
	case uq+uc == 0:
		// every word has a partner: the names are equal
	case shared == 0:
		return distinctPenaltyFactor, "(no distinctive word shared)"
	case dq > 0 && dc > 0:
		return distinctPenaltyFactor, "(distinctive words differ)"
	case all == 1 && uq > 0 && uc > 0:
		return distinctPenaltyFactor, "(one word shared)"
	}
	return 1, ""
}

// pluralOf reports whether p is the English plural of w: w+S, or w's Y
// made IES.
func pluralOf(p, w string) bool {
	if len(w) < 4 {
		return false
	}
	if len(p) == len(w)+1 && p[len(p)-1] == 'S' && strings.HasPrefix(p, w) {
		return true
	}
	return w[len(w)-1] == 'Y' && len(p) == len(w)+2 && strings.HasSuffix(p, "IES") && p[:len(w)-1] == w[:len(w)-1]
}

// joined finds two adjacent unmatched query tokens that, written
// together, are an unmatched candidate token: it returns their positions.
func (x *NameIndex) joined(qt []string, mq uint64, e *nameEntry, mc uint64, text func(int32) string) (int, int, bool) {
	for i := 0; i+1 < len(qt) && i+1 < 64; i++ {
		if mq&(3<<i) != 0 {
			continue
		}
		a, b := qt[i], qt[i+1]
		for j, cid := range e.toks {
			if j >= 64 || mc&(1<<j) != 0 {
				continue
			}
			if t := text(cid); len(t) == len(a)+len(b) && strings.HasPrefix(t, a) && strings.HasSuffix(t, b) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// joinedC is joined with the names' roles swapped: two adjacent candidate
// tokens that together are a query token.
func (x *NameIndex) joinedC(q *query, mq uint64, e *nameEntry, mc uint64, text func(int32) string) (int, int, bool) {
	for j := 0; j+1 < len(e.toks) && j+1 < 64; j++ {
		if mc&(3<<j) != 0 {
			continue
		}
		a, b := text(e.toks[j]), text(e.toks[j+1])
		for i, t := range q.toks {
			if i >= 64 || mq&(1<<i) != 0 {
				continue
			}
			if len(t) == len(a)+len(b) && strings.HasPrefix(t, a) && strings.HasSuffix(t, b) {
				return j, i, true
			}
		}
	}
	return 0, 0, false
}

func (x *NameIndex) score(q *query, e *nameEntry, m *NameMatch) float32 {
	return x.scoreWith(q, e, m, nil)
}

// scoreWith scores entry e against q. Entry token ids below zero are
// words outside the vocabulary, -1-i naming extra[i]. When m is not nil it
// fills in the explanation.
func (x *NameIndex) scoreWith(q *query, e *nameEntry, m *NameMatch, extra []string) float32 {
	text := func(id int32) string {
		if id < 0 {
			return extra[-1-id]
		}
		return x.tokens[id]
	}
	weight := func(id int32) float32 {
		if id < 0 {
			return x.maxW
		}
		return x.weight[id]
	}
	var matchedQ, matchedC uint64 // bit i: token i matched (names over 64 tokens match on the first 64)
	var shared, qTotal, cTotal float32
	for i, qid := range q.ids {
		qTotal += q.w[i]
		if i >= 64 {
			continue
		}
		for j, cid := range e.toks {
			if j >= 64 {
				break
			}
			if (qid >= 0 && qid == cid) || (qid < 0 && cid < 0 && q.toks[i] == text(cid)) {
				matchedQ |= 1 << i
				matchedC |= 1 << j
				shared += q.w[i]
				break
			}
		}
	}
	cTotal = e.total
	// A truncated last word of the query begins an unmatched candidate
	// word (cutQ, cutC), or the candidate's last word begins an unmatched
	// query word (longQ, shortC).
	nq, nc := len(q.ids), len(e.toks)
	cutQ, cutC, longQ, shortC := -1, -1, -1, -1
	if q.cut && nq <= 64 && matchedQ&(1<<(nq-1)) == 0 {
		last := q.toks[nq-1]
		for j, cid := range e.toks {
			if j >= 64 || matchedC&(1<<j) != 0 {
				continue
			}
			if t := text(cid); len(t) > len(last) && strings.HasPrefix(t, last) {
				w := weight(cid)
				qTotal += w - q.w[nq-1] // the cut word weighs as the word it begins
				shared += 0.9 * w
				matchedQ |= 1 << (nq - 1)
				matchedC |= 1 << j
				cutQ, cutC = nq-1, j
				break
			}
		}
	}
	if e.cut && nc <= 64 && matchedC&(1<<(nc-1)) == 0 {
		last := text(e.toks[nc-1])
		for i, t := range q.toks {
			if i >= 64 || matchedQ&(1<<i) != 0 {
				continue
			}
			if len(t) > len(last) && strings.HasPrefix(t, last) {
				cTotal += q.w[i] - weight(e.toks[nc-1])
				shared += 0.9 * q.w[i]
				matchedQ |= 1 << i
				matchedC |= 1 << (nc - 1)
				longQ, shortC = i, nc-1
				break
			}
		}
	}
	// Singular and plural (ELECTRONIC, ELECTRONICS; TECHNOLOGY,
	// TECHNOLOGIES) count as 0.95 of the candidate's word.
	var pluralQ, pluralC uint64
	for i, t := range q.toks {
		if i >= 64 || matchedQ&(1<<i) != 0 {
			continue
		}
		for j, cid := range e.toks {
			if j >= 64 || matchedC&(1<<j) != 0 {
				continue
			}
			if c := text(cid); pluralOf(t, c) || pluralOf(c, t) {
				w := weight(cid)
				qTotal += w - q.w[i]
				shared += 0.95 * w
				matchedQ |= 1 << i
				matchedC |= 1 << j
				pluralQ |= 1 << i
				pluralC |= 1 << j
				break
			}
		}
	}
	// Words split in one name and joined in the other (GREAT WALL and
	// GREATWALL) count as 0.95 of the joined word.
	joinQ, joinC := -1, -1 // the first token of the split pair, and its side
	if matchedQ != 1<<min(nq, 64)-1 && matchedC != 1<<min(nc, 64)-1 {
		if i, j, ok := x.joined(q.toks, matchedQ, e, matchedC, text); ok {
			w := weight(e.toks[j])
			qTotal += w - q.w[i] - q.w[i+1]
			shared += 0.95 * w
			matchedQ |= 3 << i
			matchedC |= 1 << j
			joinQ, joinC = i, j
		} else if j, i, ok := x.joinedC(q, matchedQ, e, matchedC, text); ok {
			w := q.w[i]
			cTotal += w - weight(e.toks[j]) - weight(e.toks[j+1])
			shared += 0.95 * w
			matchedQ |= 1 << i
			matchedC |= 3 << j
			joinQ, joinC = -2-i, j
		}
	}
	if qTotal+cTotal <= 0 {
		return 0
	}
	score := 2 * shared / (qTotal + cTotal)
	if score > 1 {
		score = 1
	}
	// One shared distinctive word is not a match (OIL INDIA and SBERBANK
	// INDIA, ORION CORP and KONTSERN ORION, KUNLUN TECH and BANK OF
	// KUNLUN), nor are two names whose distinctive words differ on both
	// sides (BARWA REAL ESTATE and VTB REAL ESTATE, AVIC SHENYANG and
	// AVIC XIAN): see distinctPenalty.
	wordNote := ""
	if f, note := x.distinctPenalty(q, e, matchedQ, matchedC); f < 1 {
		score *= f
		wordNote = note
	}
	formNote := ""
	switch {
	case q.forms.compatible(e.forms):
	case q.forms == 0 || e.forms == 0:
		score *= 0.95
		formNote = "(no legal form)"
	default:
		score *= 0.9
		formNote = "(legal forms differ)"
	}
	if m != nil {
		m.Matched, m.Unmatched = nil, nil
		for i, t := range q.toks {
			switch {
			case i == cutQ:
				m.Matched = append(m.Matched, t+"~"+text(e.toks[cutC]))
			case i == longQ:
				m.Matched = append(m.Matched, text(e.toks[shortC])+"~"+t)
			case i == joinQ:
				m.Matched = append(m.Matched, t+"+"+q.toks[i+1]+"="+text(e.toks[joinC]))
			case i == joinQ+1 && joinQ >= 0:
			case i == -2-joinQ:
				m.Matched = append(m.Matched, text(e.toks[joinC])+"+"+text(e.toks[joinC+1])+"="+t)
			case i < 64 && pluralQ&(1<<i) != 0:
				for j, cid := range e.toks {
					if c := text(cid); j < 64 && pluralC&(1<<j) != 0 && (pluralOf(t, c) || pluralOf(c, t)) {
						m.Matched = append(m.Matched, t+"~"+c)
						break
					}
				}
			case i < 64 && matchedQ&(1<<i) != 0:
				m.Matched = append(m.Matched, t)
			default:
				m.Unmatched = append(m.Unmatched, t)
			}
		}
		for j, cid := range e.toks {
			if j >= 64 || matchedC&(1<<j) == 0 {
				m.Unmatched = append(m.Unmatched, text(cid))
			}
		}
		if formNote != "" {
			m.Unmatched = append(m.Unmatched, formNote)
		}
		if wordNote != "" {
			m.Unmatched = append(m.Unmatched, wordNote)
		}
	}
	return score
}
