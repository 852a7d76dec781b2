package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/output"
)

// The demo tells the custody side of its story: at 12:46 VAPI's outage
// carries its dashboard (it loads, but the API refuses the calls its page
// makes), and the evidence pack of the leaked key comes from the demo's
// own history: the key's holders, every probe with OpenAI's request id,
// the rejections at 10:57, the new key from 12:20, and an intact chain.
func TestDemoCustody(t *testing.T) {
	stdout, stderr, code := runCLI(t, "--demo", "--once", "--json")
	if code != 2 {
		t.Fatalf("--demo --once --json exit %d\n%s", code, stderr)
	}
	var rep correlate.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rep.Vendors, func(v correlate.VendorReport) bool { return v.ID == "vapi" })
	if i < 0 || rep.Vendors[i].Dashboard == nil || rep.Vendors[i].Dashboard.Page.Result != "reachable" || !rep.Vendors[i].Dashboard.Failed() {
		t.Fatalf("VAPI's dashboard at 12:46: %+v", rep.Vendors[i].Dashboard)
	}
	j := slices.IndexFunc(rep.Findings, func(f correlate.Finding) bool { return f.Kind == correlate.KindVendorOutage })
	if j < 0 || !strings.Contains(rep.Findings[j].Detail, "Its dashboard is failing too: its calls to the API are refused") {
		t.Errorf("VAPI's outage does not carry its dashboard: %+v", rep.Findings)
	}

	stdout, stderr, code = runCLI(t, "evidence", "--demo", "--format", "json")
	if code != 0 {
		t.Fatalf("evidence --demo exit %d\n%s", code, stderr)
	}
	var pack output.EvidencePack
	if err := json.Unmarshal([]byte(stdout), &pack); err != nil {
		t.Fatalf("not a pack: %v\n%s", err, stdout)
	}
	if pack.Vendor != "openai" || pack.KeyName != "prod" || !pack.Chain.Intact || pack.Chain.Links == 0 {
		t.Errorf("pack of %s/%s, chain %+v", pack.Vendor, pack.KeyName, pack.Chain)
	}
	var holders []string
	for _, h := range pack.Key.Holders {
		holders = append(holders, h.String())
	}
	if strings.Join(holders, ", ") != "service voice-backend, vendor vapi, secret gcp:openai-prod" {
		t.Errorf("holders %v", holders)
	}
	if !slices.Equal(pack.Key.Fingerprints, []string{"sk-proj-…MxYA", "sk-proj-…Q2rT"}) {
		t.Errorf("fingerprints %v, want the leaked key and its replacement", pack.Key.Fingerprints)
	}
	rejected := 0
	for _, p := range pack.Probes {
		if !strings.HasPrefix(p.RequestID, "req_") || p.RequestIDFrom != "x-request-id" || p.Hash == "" {
			t.Errorf("probe at %s: request id %q from %q, hash %q", p.At, p.RequestID, p.RequestIDFrom, p.Hash)
		}
		if p.Result == "invalid_key" && p.Code == "invalid_api_key" {
			rejected += max(p.Count, 1) // repeated rejections are one row
		}
	}
	if rejected < 2 || len(pack.Status) == 0 {
		t.Errorf("%d rejections, %d status rows", rejected, len(pack.Status))
	}
	if _, _, code := runCLI(t, "evidence", "--demo", "--since", "1h"); code != 3 {
		t.Errorf("evidence --demo --since: exit %d, want 3", code)
	}
}
