package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/screener/screener/screener"
	bolt "go.etcd.io/bbolt"
)

// User is a user of the web app. PasswordHash is whatever the caller's
// password hashing produced (bcrypt, argon2...); the store never sees the
// password.
type User struct {
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	PasswordHash []byte    `json:"password_hash"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	Disabled     bool      `json:"disabled,omitempty"`
}

// PutUser creates or updates user u (by name) with its audit record; actor
// is who made the change. The audit record names the role, never the hash.
func (s *Store) PutUser(actor string, u User) (User, error) {
	if u.Name == "" || u.Role == "" {
		return User{}, screener.Errorf(screener.KindInvalid, "user: name and role are required")
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		var old User
		exists, err := getJSON(b, []byte(u.Name), &old)
		if err != nil {
			return err
		}
		now := s.stamp()
		u.Created, u.Updated = now, now
		action := ActionUserCreate
		if exists {
			u.Created, action = old.Created, ActionUserUpdate
		}
		if err := putJSON(b, []byte(u.Name), u); err != nil {
			return err
		}
		return s.audit(tx, actor, action, u.Name, map[string]string{"role": u.Role,
			"disabled": strconv.FormatBool(u.Disabled), "password_changed": strconv.FormatBool(!exists || string(old.PasswordHash) != string(u.PasswordHash))})
	})
	return u, err
}

// User returns user name.
func (s *Store) User(name string) (User, error) {
	var u User
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketUsers), []byte(name), &u)
		if err == nil && !ok {
			err = notFound("no user %q", name)
		}
		return err
	})
	return u, err
}

// Users returns every user, by name.
func (s *Store) Users() ([]User, error) {
	var out []User
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var u User
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("user %q: %w", k, err)
			}
			out = append(out, u)
			return nil
		})
	})
	return out, err
}

// Session is a logged-in user's session; the store keeps only the SHA-256
// of its token.
type Session struct {
	User    string    `json:"user"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// HashSecret returns the hex SHA-256 of a token or API key: the only form
// the store keeps.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func newSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Login records a successful login of user and opens a session lasting
// ttl; it returns the session token (shown once, stored only hashed).
func (s *Store) Login(user string, ttl time.Duration) (string, Session, error) {
	tok, err := newSecret("ss_")
	if err != nil {
		return "", Session{}, err
	}
	now := s.stamp()
	sess := Session{User: user, Created: now, Expires: now.Add(ttl)}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketUsers).Get([]byte(user)) == nil {
			return notFound("no user %q", user)
		}
		if err := putJSON(tx.Bucket(bucketSessions), []byte(HashSecret(tok)), sess); err != nil {
			return err
		}
		if err := resetThrottle(tx, ThrottleName(user)); err != nil {
			return err
		}
		return s.audit(tx, user, ActionLogin, user, map[string]string{"expires": sess.Expires.Format(time.RFC3339)})
	})
	if err != nil {
		return "", Session{}, err
	}
	return tok, sess, nil
}

// Session returns the session of token, or a not-found error when it is
// unknown or expired.
func (s *Store) Session(token string) (Session, error) {
	var sess Session
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketSessions), []byte(HashSecret(token)), &sess)
		if err == nil && (!ok || !s.stamp().Before(sess.Expires)) {
			err = notFound("no such session")
		}
		return err
	})
	return sess, err
}

// Logout ends the session of token.
func (s *Store) Logout(token string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		var sess Session
		ok, err := getJSON(b, []byte(HashSecret(token)), &sess)
		if err != nil || !ok {
			return err
		}
		if err := b.Delete([]byte(HashSecret(token))); err != nil {
			return err
		}
		return s.audit(tx, sess.User, ActionLogout, sess.User, nil)
	})
}

// APIKey is a broker's API key. Only the SHA-256 of the key is stored.
type APIKey struct {
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	Created time.Time `json:"created"`
	Hash    string    `json:"hash"` // HashSecret(key)
	Revoked bool      `json:"revoked,omitempty"`
}

// CreateAPIKey makes a new random API key named name with role, stores its
// hash with an audit record by actor, and returns the key (shown once).
func (s *Store) CreateAPIKey(actor, name, role string) (string, APIKey, error) {
	if name == "" || role == "" {
		return "", APIKey{}, screener.Errorf(screener.KindInvalid, "api key: name and role are required")
	}
	secret, err := newSecret("sk_")
	if err != nil {
		return "", APIKey{}, err
	}
	k := APIKey{Name: name, Role: role, Created: s.stamp(), Hash: HashSecret(secret)}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketAPIKeys), []byte(k.Hash), k); err != nil {
			return err
		}
		return s.audit(tx, actor, ActionKeyCreate, name, map[string]string{"role": role, "hash": k.Hash[:12]})
	})
	if err != nil {
		return "", APIKey{}, err
	}
	return secret, k, nil
}

// APIKeyByHash returns the key whose hash is hash (see HashSecret); a
// revoked key is returned with Revoked set.
func (s *Store) APIKeyByHash(hash string) (APIKey, error) {
	var k APIKey
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketAPIKeys), []byte(hash), &k)
		if err == nil && !ok {
			err = notFound("no such API key")
		}
		return err
	})
	return k, err
}

// APIKeys returns every API key (hashes only), oldest first.
func (s *Store) APIKeys() ([]APIKey, error) {
	var out []APIKey
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAPIKeys).ForEach(func(k, v []byte) error {
			var a APIKey
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("api key %.12s: %w", k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, err
}

// RevokeAPIKey marks the key with hash revoked, with an audit record.
func (s *Store) RevokeAPIKey(actor, hash string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAPIKeys)
		var k APIKey
		ok, err := getJSON(b, []byte(hash), &k)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("no such API key")
		}
		k.Revoked = true
		if err := putJSON(b, []byte(hash), k); err != nil {
			return err
		}
		return s.audit(tx, actor, ActionKeyRevoke, k.Name, map[string]string{"hash": hash[:min(12, len(hash))]})
	})
}
