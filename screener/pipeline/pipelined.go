package pipeline

import (
	"errors"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/holdings"
)

// pipelined runs read (a reader decoding rows into the sink it is given) on
// one goroutine and hands its rows to dst on this one, in batches, so that
// decoding and matching use two cores. Rows keep their order; at most
// pipeBatches batches are in flight.
func pipelined(read func(holdings.Sink) error, dst holdings.Sink) error {
	const batchSize = 512
	full := make(chan []pipeItem, pipeBatches-2)
	free := make(chan []pipeItem, pipeBatches)
	for i := 0; i < pipeBatches; i++ {
		free <- make([]pipeItem, 0, batchSize)
	}
	stop := make(chan struct{})
	p := &pipeSink{full: full, free: free, stop: stop, batch: <-free}
	var readErr error
	go func() {
		defer close(full)
		readErr = read(p)
		if readErr == nil && len(p.batch) > 0 {
			full <- p.batch
		}
	}()
	var sinkErr error
	for batch := range full {
		if sinkErr == nil {
			for i := range batch {
				it := &batch[i]
				if it.rej != nil {
					sinkErr = dst.Reject(it.rej)
				} else {
					sinkErr = dst.Holding(&it.h)
				}
				if sinkErr != nil {
					close(stop)
					break
				}
			}
		}
		free <- batch[:0]
	}
	if sinkErr != nil {
		return sinkErr
	}
	return readErr
}

const pipeBatches = 10

// pipeItem is one row in flight: a holding or a rejected row.
type pipeItem struct {
	h   screener.Holding
	rej *screener.ParseError
}

// pipeSink copies the reader's rows into batches for pipelined.
type pipeSink struct {
	full  chan<- []pipeItem
	free  <-chan []pipeItem
	stop  <-chan struct{}
	batch []pipeItem
}

var errStopped = errors.New("screening stopped")

func (p *pipeSink) push(it pipeItem) error {
	p.batch = append(p.batch, it)
	if len(p.batch) == cap(p.batch) {
		select {
		case p.full <- p.batch:
		case <-p.stop:
			return errStopped
		}
		select {
		case p.batch = <-p.free:
		case <-p.stop:
			return errStopped
		}
	}
	return nil
}

func (p *pipeSink) Holding(h *screener.Holding) error {
	// The reader reuses its Holding: keep a clone.
	return p.push(pipeItem{h: h.Clone()})
}

func (p *pipeSink) Reject(e *screener.ParseError) error {
	c := *e
	return p.push(pipeItem{rej: &c})
}
