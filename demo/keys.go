package demo

import (
	"fmt"
	"path/filepath"

	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
)

// The demo's keys. They are made up, work only against the simulated
// vendors, and are shaped like the vendors' real keys so that fingerprints
// and scrubbing treat them as keys. Past "DEMOonlyNotAKey" they are random
// letters, like a real key's: the redactor blanks any 8 characters of a
// registered key, so a key spelling "Anthropic" would blank the vendor's
// name wherever the demo shows it. They must never appear on screen or in
// the demo's history all the same: the demo is where a new user checks that
// vendorwatch shows fingerprints only.
const (
	// OldKey is the team's OpenAI key that leaked; OpenAI disables it at
	// 10:57 (sk-proj-…MxYA).
	OldKey = "sk-proj-DEMOonlyNotAKeyZggUcQeAc7twSRrQAUV5XtKypVB3QpSBK4MxYA"
	// NewKey is the OpenAI key the team rolls out by 12:20
	// (sk-proj-…Q2rT).
	NewKey = "sk-proj-DEMOonlyNotAKeyptrBffprwUQ3VZSc3FYhdjsMnUoCUF63AjQ2rT"
	// CanaryKey is an OpenAI key that is never used, so never leaks
	// (sk-proj-…C4nY): configured as a canary it turns the revoked key
	// into key_leak_suspected.
	CanaryKey = "sk-proj-DEMOonlyNotAKeyZRhKVVWffELvgx7Ae68hA6gv3Hf6qFhsBC4nY"
	// VAPIKey is the team's VAPI private key.
	VAPIKey = "5f2c3d4e-1a2b-4c5d-8e9f-0a1bdemo91ab"
	// AnthropicKey is the team's Anthropic key (sk-ant-api03-…dmAA).
	AnthropicKey = "sk-ant-api03-DEMOonlyNotAKeyKwQbZCkCtsbpWgit53us65EQWGwFkHRAbrdmAA"
)

// Keys lists every demo key, for tests that prove none of them leaks.
func Keys() []string { return []string{OldKey, NewKey, CanaryKey, VAPIKey, AnthropicKey} }

// keyFile is the name of the file in Options.Dir that holds the team's
// current OpenAI key: the demo's secret manager. The key named prod reads
// it (file:), so rotating the key is rewriting the file, as a team rotates
// a key in its secret manager.
const keyFile = "openai-prod.key"

// writeKey replaces the key file atomically, readable by its owner only.
// It is the one file meant to hold a key, so it is not redacted.
func writeKey(dir, key string) error {
	if err := atomicfile.Write(filepath.Join(dir, keyFile), atomicfile.Options{Secret: true}, []byte(key+"\n")); err != nil {
		return fmt.Errorf("demo key file: %w", err)
	}
	return nil
}
