package providers

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseEndedReason(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		reason string
		want   EndedReason
	}{
		{"pipeline-error-openai-401-incorrect-api-key", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "incorrect-api-key", Class: ResultInvalidKey}},
		{"pipeline-error-openai-401-unauthorized", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "unauthorized", Class: ResultInvalidKey}},
		{"pipeline-error-openai-401-account-not-in-organization", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "account-not-in-organization", Class: ResultMisconfigured}},
		{"pipeline-error-openai-403-model-access-denied", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 403, Problem: "model-access-denied", Class: ResultNoPermission}},
		{"pipeline-error-openai-429-exceeded-quota", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 429, Problem: "exceeded-quota", Class: ResultQuotaExceeded}},
		{"pipeline-error-openai-429-rate-limit-reached", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 429, Problem: "rate-limit-reached", Class: ResultRateLimited}},
		{"pipeline-error-openai-503-server-overloaded-error", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 503, Problem: "server-overloaded-error", Class: ResultVendorError}},
		{"pipeline-error-azure-openai-401-unauthorized", EndedReason{Fault: FaultBYOK, Provider: "azure-openai", Vendor: "azure", VendorName: "Azure OpenAI", HTTPStatus: 401, Problem: "unauthorized", Class: ResultInvalidKey}},
		{"pipeline-error-anthropic-429-exceeded-quota", EndedReason{Fault: FaultBYOK, Provider: "anthropic", Vendor: "anthropic", VendorName: "Anthropic", HTTPStatus: 429, Problem: "exceeded-quota", Class: ResultQuotaExceeded}},
		{"pipeline-error-anthropic-bedrock-401-unauthorized", EndedReason{Fault: FaultBYOK, Provider: "anthropic-bedrock", Vendor: "aws", VendorName: "Anthropic on AWS Bedrock", HTTPStatus: 401, Problem: "unauthorized", Class: ResultInvalidKey}},
		{"pipeline-error-deepgram-returning-401-invalid-credentials", EndedReason{Fault: FaultBYOK, Provider: "deepgram", Vendor: "deepgram", VendorName: "Deepgram", HTTPStatus: 401, Problem: "invalid-credentials", Class: ResultInvalidKey}},
		{"pipeline-error-deepgram-returning-econnreset", EndedReason{Fault: FaultBYOK, Provider: "deepgram", Vendor: "deepgram", VendorName: "Deepgram", Problem: "econnreset", Class: ResultVendorError}},
		{"pipeline-error-deepgram-transcriber-api-key-missing", EndedReason{Fault: FaultBYOK, Provider: "deepgram", Vendor: "deepgram", VendorName: "Deepgram", Problem: "transcriber-api-key-missing", Class: ResultMisconfigured}},
		{"pipeline-error-eleven-labs-invalid-api-key", EndedReason{Fault: FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "invalid-api-key", Class: ResultInvalidKey}},
		{"pipeline-error-eleven-labs-quota-exceeded", EndedReason{Fault: FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "quota-exceeded", Class: ResultQuotaExceeded}},
		{"pipeline-error-eleven-labs-unauthorized-to-access-model", EndedReason{Fault: FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "unauthorized-to-access-model", Class: ResultNoPermission}},
		{"pipeline-error-eleven-labs-blocked-account-in-probation", EndedReason{Fault: FaultBYOK, Provider: "eleven-labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "blocked-account-in-probation", Class: ResultAccountDisabled}},
		{"pipeline-error-11labs-invalid-api-key", EndedReason{Fault: FaultBYOK, Provider: "11labs", Vendor: "elevenlabs", VendorName: "ElevenLabs", Problem: "invalid-api-key", Class: ResultInvalidKey}},
		{"pipeline-error-assembly-ai-returning-400-insufficent-funds", EndedReason{Fault: FaultBYOK, Provider: "assembly-ai", Vendor: "assemblyai", VendorName: "AssemblyAI", HTTPStatus: 400, Problem: "insufficent-funds", Class: ResultQuotaExceeded}},
		{"pipeline-error-openai-llm-failed", EndedReason{Fault: FaultBYOK, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", Problem: "llm-failed", Class: ResultUnexpected}},
		{"call.in-progress.error-providerfault-openai-503-server-overloaded-error", EndedReason{Fault: FaultProvider, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 503, Problem: "server-overloaded-error", Class: ResultVendorError}},
		{"call.in-progress.error-vapifault-openai-401-incorrect-api-key", EndedReason{Fault: FaultVAPI, Provider: "openai", Vendor: "openai", VendorName: "OpenAI", HTTPStatus: 401, Problem: "incorrect-api-key", Class: ResultInvalidKey}},
		{"call.in-progress.error-vapifault-worker-died", EndedReason{Fault: FaultVAPI, Problem: "worker-died", Class: ResultVendorError}},
		{"call.start.error-vapifault-database-error", EndedReason{Fault: FaultVAPI, Problem: "database-error", Class: ResultVendorError}},
		{"pipeline-error-vapi-500-server-error", EndedReason{Fault: FaultVAPI, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", HTTPStatus: 500, Problem: "server-error", Class: ResultVendorError}},
		{"call.start.error-subscription-insufficient-credits", EndedReason{Fault: FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "insufficient-credits", Class: ResultQuotaExceeded}},
		{"call.start.error-subscription-frozen", EndedReason{Fault: FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "frozen", Class: ResultQuotaExceeded}},
		{"call.start.error-subscription-concurrency-limit-reached", EndedReason{Fault: FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "concurrency-limit-reached", Class: ResultRateLimited}},
		{"call.start.error-fraud-check-failed", EndedReason{Fault: FaultBilling, Provider: "vapi", Vendor: "vapi", VendorName: "VAPI", Problem: "fraud-check-failed", Class: ResultAccountDisabled}},
		// A provider VAPI adds later is read all the same.
		{"pipeline-error-newvoice-ai-401-invalid-api-key", EndedReason{Fault: FaultBYOK, Provider: "newvoice-ai", VendorName: "newvoice-ai", HTTPStatus: 401, Problem: "invalid-api-key", Class: ResultInvalidKey}},
		// Not failures, or not reasons at all.
		{"customer-ended-call", EndedReason{}},
		{"assistant-said-end-call-phrase", EndedReason{}},
		{"silence-timed-out", EndedReason{}},
		{"Pipeline-Error-OpenAI-401\x1b[31m", EndedReason{}},
		{"", EndedReason{}},
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
		if family.MatchString(reason) && (r.Provider == "" || r.HTTPStatus == 0 || r.Class == "" || r.Class == ResultUnexpected) {
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
