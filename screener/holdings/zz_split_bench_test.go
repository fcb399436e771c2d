package holdings

import (
	"bytes"
	"os"
	"testing"
	"unsafe"
)

func BenchmarkZZSplit(b *testing.B) {
	data, err := os.ReadFile("/tmp/perf/h.csv")
	if err != nil {
		b.Skip(err)
	}
	data = data[:16<<20]
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	var cells []string
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		l := &lineSplitter{data: data, comma: ','}
		n := 0
		for {
			line, ok := l.next()
			if !ok {
				break
			}
			cells = split(cells[:0], unsafe.String(unsafe.SliceData(line), len(line)), ',')
			n += len(cells)
		}
	}
}
