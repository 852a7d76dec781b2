package admin

import (
	"strconv"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/observe"
)

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
// case letters, digits, dots and dashes, in words, without anything that
// looks like a key, which would be kept and shown.
func ValidEndedReason(s string) bool { return reasonPattern().MatchString(s) && !holdsKey(s) }

// uuidPart is a UUID, the shape of VAPI's own keys.
var uuidPart = lazyregexp.New(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// holdsKey reports whether a would-be reason holds a UUID or a long run
// of letters and digits (a Deepgram key, a Twilio token): the real reasons
// are words of at most 14 letters.
func holdsKey(s string) bool {
	if uuidPart().MatchString(s) {
		return true
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '.' }) {
		if len(w) >= 20 && strings.ContainsAny(w, "0123456789") {
			return true
		}
	}
	return false
}

// ParseEndedReason reads a VAPI endedReason generically: the fault prefix
// (pipeline-error-, call.in-progress.error-vapifault-, …-providerfault-,
// call.start.error-subscription-…), then the provider, an optional HTTP
// status and the problem, and classifies the failure. New providers and
// new problems of the same families need no code.
func ParseEndedReason(reason string) observe.EndedReason {
	if !ValidEndedReason(reason) {
		return observe.EndedReason{}
	}
	var r observe.EndedReason
	var rest string
	switch {
	case strings.HasPrefix(reason, "pipeline-error-"):
		r.Fault, rest = observe.FaultBYOK, strings.TrimPrefix(reason, "pipeline-error-")
	case strings.HasPrefix(reason, "call.in-progress.error-providerfault-"):
		r.Fault, rest = observe.FaultProvider, strings.TrimPrefix(reason, "call.in-progress.error-providerfault-")
	case strings.HasPrefix(reason, "call.in-progress.error-vapifault-"):
		r.Fault, rest = observe.FaultVAPI, strings.TrimPrefix(reason, "call.in-progress.error-vapifault-")
	case strings.HasPrefix(reason, "call.start.error-vapifault-"):
		r.Fault, rest = observe.FaultVAPI, strings.TrimPrefix(reason, "call.start.error-vapifault-")
	case strings.HasPrefix(reason, "call.start.error-subscription-"):
		r.Fault, r.Problem = observe.FaultBilling, strings.TrimPrefix(reason, "call.start.error-subscription-")
		r.Class = observe.ResultQuotaExceeded
		if strings.Contains(r.Problem, "concurrency") {
			r.Class = observe.ResultRateLimited
		}
		r.Vendor, r.VendorName, r.Provider = "vapi", "VAPI", "vapi"
		return r
	case reason == "call.start.error-fraud-check-failed":
		r.Fault, r.Problem, r.Class = observe.FaultBilling, "fraud-check-failed", observe.ResultAccountDisabled
		r.Vendor, r.VendorName, r.Provider = "vapi", "VAPI", "vapi"
		return r
	default:
		return observe.EndedReason{}
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
		r.Fault = observe.FaultVAPI
	}
	r.Class = reasonClass(r.HTTPStatus, r.Problem)
	return r
}

// reasonClass classifies a failure from its status and problem words.
func reasonClass(status int, problem string) observe.Result {
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
		return observe.ResultQuotaExceeded
	case hasAny("rate-limit-reached", "rate-limited", "rate-limit", "blocked-concurrent-requests"):
		return observe.ResultRateLimited
	case hasAny("account-not-in-organization", "api-key-missing", "invalid-config", "bad-request-validation-failed"):
		return observe.ResultMisconfigured
	case hasAny("model-access-denied", "unauthorized-to-access-model", "paid-only-feature", "not-allowed-for-free-users"):
		return observe.ResultNoPermission
	case hasAny("blocked-account-in-probation"):
		return observe.ResultAccountDisabled
	case hasAny("incorrect-api-key", "invalid-api-key", "invalid-credentials", "unauthorized", "unauthorized-access", "auth-failed"):
		return observe.ResultInvalidKey
	case hasAny("server-error", "overloaded", "bad-gateway", "network-error", "econnreset", "socket-hang-up", "invalid-json", "system-busy",
		"worker-died", "worker-not-available", "transport-never-connected", "database-error", "get-org", "get-subscription"):
		return observe.ResultVendorError
	}
	switch {
	case status == 401:
		return observe.ResultInvalidKey
	case status == 402:
		return observe.ResultQuotaExceeded
	case status == 403:
		return observe.ResultNoPermission
	case status == 429:
		return observe.ResultRateLimited
	case status >= 500:
		return observe.ResultVendorError
	case status >= 400:
		return observe.ResultMisconfigured
	}
	return observe.ResultUnexpected
}
