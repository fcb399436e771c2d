package web

// Running as one of several replicas on a shared store (PostgreSQL):
// what each process keeps in memory follows what the others write.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"time"

	"github.com/screener/screener/screener/store"
)

// Heartbeat timing: a replica that has not beaten for heartbeatTTL no
// longer counts towards the rate limit's share.
const (
	heartbeatEvery = 2 * time.Second
	heartbeatTTL   = 3 * heartbeatEvery
)

// Background keeps this server in step with the other replicas on its
// store until ctx ends: it reloads the lists when another replica imports
// one and drops cached API keys when one is revoked (when the store is a
// store.Watcher), and beats the store's heartbeat so the API rate limit is
// shared among the replicas alive. It returns when ctx ends.
func (s *Server) Background(ctx context.Context) {
	if w, ok := s.st.(store.Watcher); ok {
		go w.Watch(ctx, s.changed)
	}
	id := replicaID()
	tick := time.NewTicker(heartbeatEvery)
	defer tick.Stop()
	for {
		n, err := s.st.Heartbeat(id, heartbeatTTL)
		if err != nil {
			s.log.Warn("replica heartbeat", "err", err)
		} else if s.limit != nil {
			s.limit.setReplicas(n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// changed handles a change another process made to the store.
func (s *Server) changed(topic string) {
	if topic == "" || topic == store.TopicKeys {
		s.keys.dropAll()
	}
	if topic == "" || topic == store.TopicFunds {
		if err := s.reloadFunds(); err != nil {
			s.log.Error("reload the fund registry after a change on another replica", "err", err)
		}
	}
	if topic == "" || topic == store.TopicSnapshots {
		if s.listsCurrent() {
			return
		}
		if err := s.reload(); err != nil {
			s.log.Error("reload lists after a change on another replica", "err", err)
			return
		}
		s.log.Info("lists reloaded", "reason", "change on the store", "topic", topic)
	}
}

// replicaID names this process for the heartbeat: host, pid and a random
// suffix (a restarted process is a new replica).
func replicaID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return host + "/" + itoa(int64(os.Getpid())) + "/" + hex.EncodeToString(b)
}

// listsCurrent reports whether the matcher already uses the newest stored
// snapshot of every list (so a notice of a change this replica made, or a
// reconnection, costs no rebuild).
func (s *Server) listsCurrent() bool {
	snaps, err := s.st.Snapshots("")
	if err != nil {
		return false
	}
	latest := map[string]uint64{}
	for _, sn := range snaps {
		latest[sn.List] = sn.ID
	}
	eng := s.engine()
	if eng == nil {
		return false
	}
	inUse := map[string]uint64{}
	for _, sn := range eng.snaps {
		if sn.ID != 0 {
			inUse[sn.List] = sn.ID
		}
	}
	if len(inUse) != len(latest) {
		return false
	}
	for l, id := range latest {
		if inUse[l] != id {
			return false
		}
	}
	return true
}
