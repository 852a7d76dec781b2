package statuspage

import (
	"fmt"

	"github.com/vendorwatch/vendorwatch/observe"
)

// parsers maps each format to its reader. Every reader is pure and must
// never panic, whatever the bytes.
var parsers = map[Format]func([]byte) (*observe.Status, error){
	Statuspage:  parseStatuspage,
	IncidentIO:  parseIncidentIO,
	BetterStack: parseBetterStack,
	Instatus:    parseInstatus,
	StatusIO:    parseStatusIO,
	Google:      parseGoogle,
	Slack:       parseSlack,
	Stripe:      parseStripe,
	Feed:        parseFeed,
	HTML:        parseHTML,
}

// Parse reads data in the given format within the DefaultLimits. It never
// panics; a body that is not the format wraps ErrWrongFormat.
func Parse(f Format, data []byte) (*observe.Status, error) {
	return DefaultLimits.Parse(f, data)
}

// Parse reads data in the given format and cuts the model to l (Cap). A
// Statuspage document and an Atlassian HTML page are cut while they are
// read.
func (l Limits) Parse(f Format, data []byte) (*observe.Status, error) {
	var st *observe.Status
	var err error
	switch f {
	case Statuspage:
		st, _, err = l.ReadStatuspage(data)
	case HTML:
		st, err = l.ReadHTML(data, "", "")
	default:
		parse, ok := parsers[f]
		if !ok {
			return nil, fmt.Errorf("format %q is not supported yet", f)
		}
		if st, err = parse(data); err == nil {
			l.Cap(st)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return st, nil
}
