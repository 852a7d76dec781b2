package providers

import (
	"strconv"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// Who is at fault for a VAPI call's end, from its endedReason's prefix
// (VAPI's fern/calls/call-ended-reason.mdx).
const (
	// FaultBYOK: pipeline-error-*, the legacy form; with our own provider
	// keys (BYOK) a credential or quota problem on our account with that
	// provider, such as the OpenAI key stored in VAPI.
	FaultBYOK = "byok"
	// FaultProvider: call.in-progress.error-providerfault-*, the provider
	// returned a server error.
	FaultProvider = "provider"
	// FaultVAPI: call.in-progress.error-vapifault-* and
	// call.start.error-vapifault-*, VAPI's infrastructure or its platform
	// credentials; also pipeline errors of VAPI's own models.
	FaultVAPI = "vapi"
	// FaultBilling: call.start.error-subscription-* and the fraud check,
	// our VAPI account's billing.
	FaultBilling = "billing"
)

// EndedReason is a VAPI call's endedReason read for evidence: who failed,
// which provider, with which HTTP status and what kind of failure. The zero
// Fault means the reason is no evidence of a failure (the customer hung up,
// the assistant ended the call, ...).
type EndedReason struct {
	Fault string `json:"fault,omitempty"`
	// Provider is the provider as VAPI spells it (openai, eleven-labs).
	Provider string `json:"provider,omitempty"`
	// Vendor is the provider's catalog id (openai, elevenlabs); empty for a
	// provider vendorwatch does not know.
	Vendor string `json:"vendor,omitempty"`
	// VendorName is how the provider is called in findings.
	VendorName string `json:"vendor_name,omitempty"`
	// HTTPStatus is the provider's status named in the reason (401), if any.
	HTTPStatus int `json:"http_status,omitempty"`
	// Problem is the rest of the reason (incorrect-api-key).
	Problem string `json:"problem,omitempty"`
	// Class is the failure in the key-probe vocabulary: invalid_key,
	// quota_exceeded, rate_limited, vendor_error, ...
	Class Result `json:"class,omitempty"`
}

// vapiProvider is one provider as VAPI's reasons name it.
type vapiProvider struct {
	token, vendor, name string
}

// vapiProviders maps the provider names in VAPI's endedReason values to
// catalog ids, longest token first so azure-openai wins over azure and
// anthropic-bedrock over anthropic. Anthropic through Bedrock or Vertex
// uses AWS or Google Cloud credentials, not an Anthropic key.
var vapiProviders = []vapiProvider{
	{"anthropic-bedrock", "aws", "Anthropic on AWS Bedrock"},
	{"anthropic-vertex", "google-cloud", "Anthropic on Google Vertex"},
	{"deepgram-returning", "deepgram", "Deepgram"},
	{"assembly-ai-returning", "assemblyai", "AssemblyAI"},
	{"azure-openai", "azure", "Azure OpenAI"},
	{"azure-speech", "azure", "Azure Speech"},
	{"perplexity-ai", "", "Perplexity"},
	{"inflection-ai", "", "Inflection AI"},
	{"smallest-ai", "", "Smallest AI"},
	{"assembly-ai", "assemblyai", "AssemblyAI"},
	{"eleven-labs", "elevenlabs", "ElevenLabs"},
	{"elevenlabs", "elevenlabs", "ElevenLabs"},
	{"together-ai", "", "Together AI"},
	{"custom-llm", "", "your custom LLM server"},
	{"openrouter", "", "OpenRouter"},
	{"deepinfra", "", "DeepInfra"},
	{"microsoft", "azure", "Microsoft"},
	{"speechmatics", "", "Speechmatics"},
	{"talkscriber", "", "Talkscriber"},
	{"anthropic", "anthropic", "Anthropic"},
	{"deep-seek", "", "DeepSeek"},
	{"neuphonic", "", "Neuphonic"},
	{"cartesia", "", "Cartesia"},
	{"cerebras", "", "Cerebras"},
	{"deepgram", "deepgram", "Deepgram"},
	{"anyscale", "", "Anyscale"},
	{"wellsaid", "", "WellSaid"},
	{"minimax", "", "MiniMax"},
	{"mistral", "mistral", "Mistral"},
	{"baseten", "", "Baseten"},
	{"inworld", "", "Inworld"},
	{"rime-ai", "", "Rime"},
	{"sesame", "", "Sesame"},
	{"soniox", "", "Soniox"},
	{"gladia", "", "Gladia"},
	{"openai", "openai", "OpenAI"},
	{"google", "gemini", "Google"},
	{"runpod", "", "RunPod"},
	{"playht", "", "PlayHT"},
	{"11labs", "elevenlabs", "ElevenLabs"},
	{"azure", "azure", "Azure"},
	{"tavus", "", "Tavus"},
	{"lmnt", "", "LMNT"},
	{"hume", "", "Hume"},
	{"groq", "groq", "Groq"},
	{"vapi", "vapi", "VAPI"},
	{"xai", "", "xAI"},
}

// reasonPattern is what an endedReason looks like; anything else is not
// parsed (and never shown raw).
var reasonPattern = lazyregexp.New(`^[a-z0-9][a-z0-9.\-]{0,159}$`)

// statusPart is "401-incorrect-api-key" or "returning-401-invalid-credentials".
var statusPart = lazyregexp.New(`^(?:returning-)?([1-5][0-9][0-9])(?:-(.*))?$`)

// unknownProvider reads "<provider>-<status>-<problem>" for a provider not
// in the table.
var unknownProvider = lazyregexp.New(`^([a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*?)-(?:returning-)?([1-5][0-9][0-9])(?:-(.*))?$`)

// ValidEndedReason reports whether s looks like a VAPI endedReason: lower
// case letters, digits, dots and dashes.
func ValidEndedReason(s string) bool { return reasonPattern().MatchString(s) }

// ParseEndedReason reads a VAPI endedReason generically: the fault prefix
// (pipeline-error-, call.in-progress.error-vapifault-, …-providerfault-,
// call.start.error-subscription-…), then the provider, an optional HTTP
// status and the problem, and classifies the failure. New providers and
// new problems of the same families need no code.
func ParseEndedReason(reason string) EndedReason {
	if !ValidEndedReason(reason) {
		return EndedReason{}
	}
	var r EndedReason
	var rest string
	switch {
	case strings.HasPrefix(reason, "pipeline-error-"):
		r.Fault, rest = FaultBYOK, strings.TrimPrefix(reason, "pipeline-error-")
	case strings.HasPrefix(reason, "call.in-progress.error-providerfault-"):
		r.Fault, rest = FaultProvider, strings.TrimPrefix(reason, "call.in-progress.error-providerfault-")
	case strings.HasPrefix(reason, "call.in-progress.error-vapifault-"):
		r.Fault, rest = FaultVAPI, strings.TrimPrefix(reason, "call.in-progress.error-vapifault-")
	case strings.HasPrefix(reason, "call.start.error-vapifault-"):
		r.Fault, rest = FaultVAPI, strings.TrimPrefix(reason, "call.start.error-vapifault-")
	case strings.HasPrefix(reason, "call.start.error-subscription-"):
		r.Fault, r.Problem = FaultBilling, strings.TrimPrefix(reason, "call.start.error-subscription-")
		r.Class = ResultQuotaExceeded
		if strings.Contains(r.Problem, "concurrency") {
			r.Class = ResultRateLimited
		}
		r.Vendor, r.VendorName, r.Provider = "vapi", "VAPI", "vapi"
		return r
	case reason == "call.start.error-fraud-check-failed":
		r.Fault, r.Problem, r.Class = FaultBilling, "fraud-check-failed", ResultAccountDisabled
		r.Vendor, r.VendorName, r.Provider = "vapi", "VAPI", "vapi"
		return r
	default:
		return EndedReason{}
	}
	r.Problem = rest
	for _, p := range vapiProviders {
		if after, ok := strings.CutPrefix(rest, p.token+"-"); ok {
			r.Provider, r.Vendor, r.VendorName, r.Problem = p.token, p.vendor, p.name, after
			break
		}
	}
	if r.Provider == "" {
		if m := unknownProvider().FindStringSubmatch(rest); m != nil {
			r.Provider, r.VendorName = m[1], m[1]
			r.Problem = strings.TrimPrefix(rest, m[1]+"-")
		}
	}
	if strings.HasSuffix(r.Provider, "-returning") {
		r.Provider = strings.TrimSuffix(r.Provider, "-returning")
	}
	if m := statusPart().FindStringSubmatch(r.Problem); m != nil {
		r.HTTPStatus, _ = strconv.Atoi(m[1])
		r.Problem = m[2]
	}
	if r.Provider == "vapi" {
		// VAPI's own models failing is VAPI's trouble, whatever the prefix.
		r.Fault = FaultVAPI
	}
	r.Class = reasonClass(r.HTTPStatus, r.Problem)
	return r
}

// reasonClass classifies a failure from its status and problem words.
func reasonClass(status int, problem string) Result {
	p := "-" + problem + "-"
	// hasAny matches whole dash-separated words ("rate-limit" is found in
	// "429-rate-limit-reached", "limit" alone would not be); the more
	// specific phrases are tried first, so "unauthorized-to-access-model"
	// is no_permission before "unauthorized" could make it invalid_key.
	hasAny := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(p, "-"+w+"-") {
				return true
			}
		}
		return false
	}
	switch {
	case hasAny("insufficent-funds", "insufficient-funds", "exceeded-quota", "quota-exceeded", "requested-payment", "insufficient-credits"):
		return ResultQuotaExceeded
	case hasAny("rate-limit-reached", "rate-limited", "rate-limit", "blocked-concurrent-requests"):
		return ResultRateLimited
	case hasAny("account-not-in-organization", "api-key-missing", "invalid-config", "bad-request-validation-failed"):
		return ResultMisconfigured
	case hasAny("model-access-denied", "unauthorized-to-access-model", "paid-only-feature", "not-allowed-for-free-users"):
		return ResultNoPermission
	case hasAny("blocked-account-in-probation"):
		return ResultAccountDisabled
	case hasAny("incorrect-api-key", "invalid-api-key", "invalid-credentials", "unauthorized", "unauthorized-access", "auth-failed"):
		return ResultInvalidKey
	case hasAny("server-error", "overloaded", "bad-gateway", "network-error", "econnreset", "socket-hang-up", "invalid-json", "system-busy",
		"worker-died", "worker-not-available", "transport-never-connected", "database-error", "get-org", "get-subscription"):
		return ResultVendorError
	}
	switch {
	case status == 401:
		return ResultInvalidKey
	case status == 402:
		return ResultQuotaExceeded
	case status == 403:
		return ResultNoPermission
	case status == 429:
		return ResultRateLimited
	case status >= 500:
		return ResultVendorError
	case status >= 400:
		return ResultMisconfigured
	}
	return ResultUnexpected
}
