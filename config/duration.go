package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as "60s", "5m", "1h30m" or "90d".
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration the way the config writes it.
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML implements yaml.Unmarshaler. A bad value is reported with its
// line and decoding carries on, so every problem is listed at once.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		if err == nil {
			err = fmt.Errorf("want a duration such as 60s")
		}
		return typeError(n, "bad duration %q: %v", n.Value, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back in its short form.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// ParseDuration reads Go durations plus a "d" suffix for days.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("want a number of days such as 90d")
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 60s, 5m or 90d")
	}
	if v < 0 {
		return 0, fmt.Errorf("must not be negative")
	}
	return v, nil
}

// typeError makes a yaml.TypeError for node n. The YAML decoder collects
// these and goes on decoding, which is how all problems surface together.
func typeError(n *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, fmt.Sprintf(format, args...))}}
}
