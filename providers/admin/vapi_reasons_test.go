package admin

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestParseEndedReason(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		reason string
		want   observe.EndedReason
	}{
		{"pipeline-error-openai-401-incorrect-api-key", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "incorrect-api-key", Class: observe.ResultInvalidKey}},
		{"pipeline-error-openai-401-unauthorized", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "unauthorized", Class: observe.ResultInvalidKey}},
		{"pipeline-error-openai-401-account-not-in-organization", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "account-not-in-organization", Class: observe.ResultMisconfigured}},
		{"pipeline-error-openai-403-model-access-denied", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 403, Problem: "model-access-denied", Class: observe.ResultNoPermission}},
		{"pipeline-error-openai-429-exceeded-quota", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 429, Problem: "exceeded-quota", Class: observe.ResultQuotaExceeded}},
		{"pipeline-error-openai-429-rate-limit-reached", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 429, Problem: "rate-limit-reached", Class: observe.ResultRateLimited}},
		{"pipeline-error-openai-503-server-overloaded-error", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 503, Problem: "server-overloaded-error", Class: observe.ResultVendorError}},
		{"pipeline-error-azure-openai-401-unauthorized", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "azure-openai", Vendor: "azure", VendorName: "Azure OpenAI", HTTPStatus: 401, Problem: "unauthorized", Class: observe.ResultInvalidKey}},
		{"pipeline-error-anthropic-429-exceeded-quota", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "anthropic", Vendor: "anthropic", VendorName: "Anthropic", HTTPStatus: 429, Problem: "exceeded-quota", Class: observe.ResultQuotaExceeded}},
		{"pipeline-error-anthropic-bedrock-401-unauthorized", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "anthropic-bedrock", Vendor: "aws", VendorName: "Anthropic on AWS Bedrock", HTTPStatus: 401, Problem: "unauthorized", Class: observe.ResultInvalidKey}},
		{"pipeline-error-deepgram-returning-401-invalid-credentials", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "deepgram", Vendor: "deepgram", VendorName: "Deepgram", HTTPStatus: 401, Problem: "invalid-credentials", Class: observe.ResultInvalidKey}},
		{"pipeline-error-deepgram-returning-econnreset", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "deepgram", Vendor: "deepgram", VendorName: "Deepgram", Problem: "econnreset", Class: observe.ResultVendorError}},
		{"pipeline-error-deepgram-transcriber-api-key-missing", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "deepgram", Vendor: "deepgram", VendorName: "Deepgram", Problem: "transcriber-api-key-missing", Class: observe.ResultMisconfigured}},
		{"pipeline-error-eleven-labs-invalid-api-key", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "invalid-api-key", Class: observe.ResultInvalidKey}},
		{"pipeline-error-eleven-labs-quota-exceeded", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "quota-exceeded", Class: observe.ResultQuotaExceeded}},
		{"pipeline-error-eleven-labs-unauthorized-to-access-model", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "unauthorized-to-access-model", Class: observe.ResultNoPermission}},
		{"pipeline-error-eleven-labs-blocked-account-in-probation", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "blocked-account-in-probation", Class: observe.ResultAccountDisabled}},
		{"pipeline-error-11labs-invalid-api-key", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "11labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "invalid-api-key", Class: observe.ResultInvalidKey}},
		{"pipeline-error-assembly-ai-returning-400-insufficent-funds", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "assembly-ai", Vendor: "assemblyai", VendorName: "AssemblyAI", HTTPStatus: 400, Problem: "insufficent-funds", Class: observe.ResultQuotaExceeded}},
		{"pipeline-error-openai-llm-failed", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", Problem: "llm-failed", Class: observe.ResultUnexpected}},
		{"call.in-progress.error-providerfault-openai-503-server-overloaded-error", observe.EndedReason{Fault: observe.FaultProvider, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 503, Problem: "server-overloaded-error", Class: observe.ResultVendorError}},
		{"call.in-progress.error-vapifault-openai-401-incorrect-api-key", observe.EndedReason{Fault: observe.FaultVAPI, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "incorrect-api-key", Class: observe.ResultInvalidKey}},
		{"call.in-progress.error-vapifault-worker-died", observe.EndedReason{Fault: observe.FaultVAPI, Problem: "worker-died", Class: observe.ResultVendorError}},
		{"call.start.error-vapifault-database-error", observe.EndedReason{Fault: observe.FaultVAPI, Problem: "database-error", Class: observe.ResultVendorError}},
		{"pipeline-error-vapi-500-server-error", observe.EndedReason{Fault: observe.FaultVAPI, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", HTTPStatus: 500, Problem: "server-error", Class: observe.ResultVendorError}},
		{"call.start.error-subscription-insufficient-credits", observe.EndedReason{Fault: observe.FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "insufficient-credits", Class: observe.ResultQuotaExceeded}},
		{"call.start.error-subscription-frozen", observe.EndedReason{Fault: observe.FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "frozen", Class: observe.ResultQuotaExceeded}},
		{"call.start.error-subscription-concurrency-limit-reached", observe.EndedReason{Fault: observe.FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "concurrency-limit-reached", Class: observe.ResultRateLimited}},
		{"call.start.error-fraud-check-failed", observe.EndedReason{Fault: observe.FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "fraud-check-failed", Class: observe.ResultAccountDisabled}},
		// A provider VAPI adds later is read all the same.
		{"pipeline-error-newvoice-ai-401-invalid-api-key", observe.EndedReason{Fault: observe.FaultBYOK, Provider: "newvoice-ai", VendorName: "newvoice-ai", HTTPStatus: 401, Problem: "invalid-api-key", Class: observe.ResultInvalidKey}},
		// Not failures, or not reasons at all.
		{"customer-ended-call", observe.EndedReason{}},
		{"assistant-said-end-call-phrase", observe.EndedReason{}},
		{"silence-timed-out", observe.EndedReason{}},
		{"Pipeline-Error-OpenAI-401\x1b[31m", observe.EndedReason{}},
		{"", observe.EndedReason{}},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			if got := ParseEndedReason(tc.reason); got != tc.want {
				t.Errorf("ParseEndedReason(%q) =\n  %+v\nwant\n  %+v", tc.reason, got, tc.want)
			}
		})
	}
}

// Every endedReason in VAPI's published enum parses, and every one of the
// "<prefix>-<provider>-<status>-<problem>" family names its provider and
// status.
func TestParseEveryPublishedReason(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "vapi__call_ended_reasons_openapi.txt"))
	if err != nil {
		t.Fatal(err)
	}
	family := regexp.MustCompile(`^(pipeline-error|call\.in-progress\.error-(vapifault|providerfault))-[a-z0-9-]+-[1-5][0-9]{2}-`)
	n := 0
	for _, reason := range strings.Fields(string(b)) {
		n++
		r := ParseEndedReason(reason)
		if !ValidEndedReason(reason) {
			t.Errorf("%s is not taken for a reason", reason)
		}
		if family.MatchString(reason) && (r.Provider == "" || r.HTTPStatus == 0 || r.Class == "" || r.Class == observe.ResultUnexpected) {
			t.Errorf("%s = %+v", reason, r)
		}
		if strings.HasPrefix(reason, "pipeline-error-") && r.Fault == "" {
			t.Errorf("%s has no fault", reason)
		}
		if r.Fault != "" && r.Class == "" {
			t.Errorf("%s has a fault but no class", reason)
		}
	}
	if n < 600 {
		t.Errorf("only %d reasons read", n)
	}
}

func FuzzParseEndedReason(f *testing.F) {
	for _, s := range []string{"pipeline-error-openai-401-incorrect-api-key", "call.start.error-subscription-frozen",
		"call.in-progress.error-vapifault-worker-died", "pipeline-error-x-999-", "pipeline-error--", "customer-ended-call"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := ParseEndedReason(s)
		if r.Fault != "" && !ValidEndedReason(s) {
			t.Fatalf("%q parsed though it is not a reason", s)
		}
		if r.HTTPStatus != 0 && (r.HTTPStatus < 100 || r.HTTPStatus > 599) {
			t.Fatalf("%q: status %d", s, r.HTTPStatus)
		}
	})
}
