package lists_test

import (
	"fmt"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/lists"
)

// The embedded default is OFAC's Consolidated list of December 2025.
func ExampleDefault() {
	l, err := lists.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	cmic := 0
	for _, e := range l.Entries {
		if e.HasProgram(screener.ProgramCMIC) {
			cmic++
		}
	}
	fmt.Println(l.Name, l.AsOf, len(l.Entries), cmic)
	// Output: OFAC-CONSOLIDATED 2025-12-19 442 68
}

// Detect tells the format of a file or folder by its content.
func ExampleDetect() {
	f, err := lists.Detect("testdata/custom-restricted.csv")
	fmt.Println(f, err)
	// Output: custom-csv <nil>
}
