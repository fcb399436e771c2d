package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Throttle is the failed sign-in count of one name or one client address,
// kept in the store so every server process on the file (or, through the
// store interface, on a shared database) sees the same counts. The web
// package decides what the counts mean (back-off, lockout).
type Throttle struct {
	Key      string    `json:"key"` // "name:" + user name or "addr:" + address
	Failures int       `json:"failures"`
	First    time.Time `json:"first"` // first failure of this run of failures
	Last     time.Time `json:"last"`  // latest failure
}

// ThrottleName and ThrottleAddr are the throttle keys of a user name and of
// a client address.
func ThrottleName(name string) string { return "name:" + name }
func ThrottleAddr(addr string) string { return "addr:" + addr }

// Throttles returns the state of each key (a zero Throttle with Key set for
// a key that has none). Counts older than forget are reported as zero.
func (s *Store) Throttles(forget time.Duration, keys ...string) ([]Throttle, error) {
	out := make([]Throttle, len(keys))
	now := s.stamp()
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketThrottle)
		for i, k := range keys {
			t, err := getThrottle(b, k, now, forget)
			if err != nil {
				return err
			}
			out[i] = t
		}
		return nil
	})
	return out, err
}

func getThrottle(b *bolt.Bucket, key string, now time.Time, forget time.Duration) (Throttle, error) {
	t := Throttle{Key: key}
	if _, err := getJSON(b, []byte(key), &t); err != nil {
		return t, fmt.Errorf("throttle %q: %w", key, err)
	}
	if forget > 0 && now.Sub(t.Last) > forget {
		t = Throttle{Key: key}
	}
	return t, nil
}

// LoginFailed records a failed sign-in for the name given, from addr: one
// audit record and one more failure on the throttle of the name and of the
// address (counts older than forget start again), in one transaction. It
// returns the throttles after the failure, name first. Name and addr are
// clipped before they are stored.
func (s *Store) LoginFailed(name, addr, reason string, forget time.Duration) ([]Throttle, error) {
	name, addr = clipText(name, maxAuditName), clipText(addr, maxAuditName)
	var out []Throttle
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketThrottle)
		now := s.stamp()
		out = out[:0]
		for _, k := range []string{ThrottleName(name), ThrottleAddr(addr)} {
			if k == ThrottleAddr("") {
				continue
			}
			t, err := getThrottle(b, k, now, forget)
			if err != nil {
				return err
			}
			if t.Failures == 0 {
				t.First = now
			}
			t.Failures++
			t.Last = now
			if err := putJSON(b, []byte(k), t); err != nil {
				return err
			}
			out = append(out, t)
		}
		detail := map[string]string{"reason": reason, "failures": strconv.Itoa(out[0].Failures)}
		if addr != "" {
			detail["addr"] = addr
		}
		return s.audit(tx, name, ActionLoginFailed, name, detail)
	})
	return out, err
}

// LiftThrottle clears the failed sign-in count of key (a lockout an admin
// lifts), with an audit record by actor. Clearing a key with no count is
// not an error.
func (s *Store) LiftThrottle(actor, key string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketThrottle)
		var t Throttle
		if _, err := getJSON(b, []byte(key), &t); err != nil {
			return err
		}
		if err := b.Delete([]byte(key)); err != nil {
			return err
		}
		return s.audit(tx, actor, ActionLoginUnlock, key, map[string]string{"failures": strconv.Itoa(t.Failures)})
	})
}

// ListThrottles returns every stored throttle with at least min failures
// within forget, for the admin page.
func (s *Store) ListThrottles(forget time.Duration, min int) ([]Throttle, error) {
	var out []Throttle
	now := s.stamp()
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketThrottle).ForEach(func(k, v []byte) error {
			var t Throttle
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("throttle %q: %w", k, err)
			}
			if (forget <= 0 || now.Sub(t.Last) <= forget) && t.Failures >= min {
				out = append(out, t)
			}
			return nil
		})
	})
	return out, err
}

// resetThrottle forgets the failures of key inside tx (a successful
// sign-in resets its name's count).
func resetThrottle(tx *bolt.Tx, key string) error {
	return tx.Bucket(bucketThrottle).Delete([]byte(key))
}

// Limits on what reaches the audit log: a name (actor, subject) and one
// detail value. Longer text is clipped with a marker.
const (
	maxAuditName   = 256
	maxAuditDetail = 4096
)

// clipText makes s valid UTF-8 (invalid bytes become U+FFFD) and at most
// max bytes long, cut at a rune boundary and marked with "…".
func clipText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
