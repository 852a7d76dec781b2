package probe

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// vapiKeyTip is how VAPI's 401 ends: it cannot tell a revoked key from the
// wrong kind of key.
const vapiKeyTip = "Hot tip,"

// refineVAPI reads VAPI's NestJS bodies, {"message","error","statusCode"}.
// Its 401 "Invalid Key. Hot tip, you may be using the private key instead
// of the public key, or vice versa." is invalid_key carrying the tip as a
// hint: the REST API takes the private key.
func refineVAPI(a *answer, v *Verdict) {
	if v.Result == observe.ResultOK {
		return
	}
	msg := v.Message
	if e := str(a.Doc, "error"); e != "" {
		v.Code = e
	}
	switch {
	case has(msg, "Invalid Key"):
		v.Result, v.Marker, v.Code = observe.ResultInvalidKey, true, "invalid_key"
		if i := strings.Index(msg, vapiKeyTip); i >= 0 {
			v.Hint = strings.TrimSpace(msg[i:]) + " (VAPI's REST API takes the private key.)"
		}
	case has(msg, "Missing Authorization Header"):
		v.Result, v.Code = observe.ResultMisconfigured, "missing_authorization"
	}
}
