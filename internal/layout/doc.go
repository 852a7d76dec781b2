// Package layout holds no code: its test checks the direction of imports
// between vendorwatch's packages (DESIGN §2). Each package has a floor;
// imports only ever point down, and the pure packages never reach the
// network, SQL, YAML or the HTML and feed parsers, however indirectly.
package layout
