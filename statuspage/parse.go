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
	Feed:        parseFeed,
	HTML:        parseHTML,
}

// Parse reads data in the given format. It never panics; a body that is not
// the format wraps ErrWrongFormat.
func Parse(f Format, data []byte) (*observe.Status, error) {
	parse, ok := parsers[f]
	if !ok {
		return nil, fmt.Errorf("format %q is not supported yet", f)
	}
	st, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return st, nil
}
