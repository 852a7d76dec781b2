package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vendorwatch/vendorwatch/app"
	"github.com/vendorwatch/vendorwatch/internal/atomicfile"
	"github.com/vendorwatch/vendorwatch/output"
)

func newEvidenceCmd(o *options) *cobra.Command {
	var key, since, until, format, out, verify string
	var demoPack bool
	cmd := &cobra.Command{
		Use:   "evidence --key VENDOR/NAME",
		Short: "An evidence pack for a support ticket about one key: probes with request ids, key-list reads, audit-log answers, hash-chained",
		Long: `evidence writes what vendorwatch recorded about one key, ready to attach to a support
ticket: the key's fingerprint, id and project (from the vendor's key list), when the key
list last held it and first did not, every probe with its HTTP status and the vendor's
request id, every audit-log query with its window and answer (empty answers included),
the vendor's canary keys, and the vendor's status page over the window.

Every history row the pack uses is linked into a SHA-256 hash chain when it is recorded
(each row's hash covers its content and the previous row's hash). The pack shows the
first and last hash and whether the chain verifies; --verify PACK.json re-checks a JSON
pack written earlier against the same state dir and says whether it is intact, or where
it breaks. Rows recorded before this vendorwatch version started the chain have no hash.

The pack never holds a key: keys are shown by fingerprint and the vendor's own mask,
and everything passes through the redactor. The history is only read.

--remote is refused: a pack is verified against the database it came from, so run
evidence where the history is (on the serve host, with its --state-dir).

--demo replays the demo's story (vendorwatch --demo) to 12:46 and writes the pack of its
leaked key, openai/prod, from the demo's throwaway history.

Exit status: 0 the pack was written (or verified) and the chain is intact; 1 the chain
or the pack does not verify; 3 no pack (a bad flag, no history, an unknown key).`,
		Example: `  vendorwatch evidence --key openai/prod                       # the last 24 hours, Markdown
  vendorwatch evidence --key openai/prod --since 3d --format json -o openai-prod.json
  vendorwatch evidence --verify openai-prod.json
  vendorwatch evidence --demo                                  # the demo's leaked key, no config needed`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.remote != "" {
				return errors.New("evidence does not work with --remote: a pack is read from, and verified against, the history it came from; run it on the serve host with its --state-dir")
			}
			if format != "markdown" && format != "json" {
				return fmt.Errorf("--format %q: use markdown or json", format)
			}
			if demoPack {
				if verify != "" || cmd.Flags().Changed("since") || cmd.Flags().Changed("until") {
					return errors.New("--demo writes the pack of the demo's story (10:00 to 12:46); --since, --until and --verify do not apply")
				}
				pack, err := app.DemoEvidence(cmd.Context(), key)
				if err != nil {
					return err
				}
				return writeEvidence(cmd, pack, key, format, out)
			}
			a, err := load(o)
			if err != nil {
				return err
			}
			if verify != "" {
				if key != "" || out != "" || cmd.Flags().Changed("since") || cmd.Flags().Changed("until") || cmd.Flags().Changed("format") {
					return errors.New("--verify takes the pack alone: the key and window are read from it")
				}
				return runEvidenceVerify(cmd, a, verify)
			}
			if key == "" {
				return errors.New("give --key VENDOR/NAME (for example openai/prod), or --verify PACK.json")
			}
			from, to, err := window(since, until, time.Now())
			if err != nil {
				return err
			}
			pack, err := a.Evidence(cmd.Context(), app.EvidenceRequest{Key: key, Since: from, Until: to})
			if err != nil {
				return err
			}
			return writeEvidence(cmd, pack, key, format, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&key, "key", "", "the key as VENDOR/NAME, as named in the config (openai/prod)")
	f.StringVar(&since, "since", "24h", "start of the window: RFC 3339, \"2026-05-21 10:00\" (local time) or a time ago like 2h, 3d")
	f.StringVar(&until, "until", "", "end of the window, same forms as --since (default now)")
	f.StringVar(&format, "format", "markdown", "markdown (for people) or json (for machines, and for --verify)")
	f.StringVarP(&out, "output", "o", "", "write the pack to `FILE` (mode 0600) instead of stdout")
	f.StringVar(&verify, "verify", "", "re-check a JSON pack written earlier against the history: `PACK.json`")
	f.BoolVar(&demoPack, "demo", false, "the pack of the demo's leaked key (openai/prod), from a replay of vendorwatch --demo's story")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// writeEvidence prints the pack, or writes it to out, and fails with
// status 1 when its hash chain does not verify.
func writeEvidence(cmd *cobra.Command, pack output.EvidencePack, key, format, out string) error {
	var err error
	var buf bytes.Buffer
	if format == "json" {
		err = output.WriteEvidenceJSON(&buf, pack)
	} else {
		err = output.WriteEvidenceMarkdown(&buf, pack)
	}
	if err != nil {
		return err
	}
	if out != "" {
		if err := atomicfile.Write(out, atomicfile.Options{Sync: true}, buf.Bytes()); err != nil {
			return fmt.Errorf("writing the pack: %w", err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: wrote the evidence pack of %s to %s (%s)\n", key, out, chainWord(pack.Chain))
	} else if _, err := cmd.OutOrStdout().Write(buf.Bytes()); err != nil {
		return err
	}
	if !pack.Chain.Intact {
		fmt.Fprintf(cmd.ErrOrStderr(), "vendorwatch: the hash chain does not verify: %s\n", pack.Chain.Break)
		return exitStatus(1)
	}
	return nil
}

// runEvidenceVerify is evidence --verify.
func runEvidenceVerify(cmd *cobra.Command, a *app.App, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--verify: %w", err)
	}
	defer f.Close()
	pack, err := output.ReadEvidenceJSON(f)
	if err != nil {
		return fmt.Errorf("--verify %s: %w", path, err)
	}
	v, err := a.VerifyEvidence(cmd.Context(), pack)
	if err != nil {
		return fmt.Errorf("--verify %s: %w", path, err)
	}
	w := cmd.OutOrStdout()
	if v.Intact {
		fmt.Fprintf(w, "intact: the pack of %s/%s matches the history, and the hash chain verifies over %d %s (first %s, last %s)\n",
			pack.Vendor, pack.KeyName, v.Links, plural(v.Links, "link", "links"), short12(pack.Chain.First.Hash), short12(pack.Chain.Last.Hash))
		return nil
	}
	fmt.Fprintf(w, "NOT intact: the pack of %s/%s does not verify against the history:\n", pack.Vendor, pack.KeyName)
	for _, p := range v.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
	return exitStatus(1)
}

func chainWord(c output.EvidenceChain) string {
	if c.Intact {
		return "hash chain intact"
	}
	return "hash chain BROKEN"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func short12(h string) string {
	if h == "" {
		return "-"
	}
	return strings.TrimSpace(h[:min(12, len(h))])
}
