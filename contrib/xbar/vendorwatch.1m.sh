#!/bin/sh
# vendorwatch for the macOS menu bar: an xbar (https://xbarapp.com) and
# SwiftBar plugin. Copy it into the plugins folder and make it executable:
#
#   cp vendorwatch.1m.sh "$HOME/Library/Application Support/xbar/plugins/"
#   chmod +x "$HOME/Library/Application Support/xbar/plugins/vendorwatch.1m.sh"
#
# The ".1m." in the name asks for a run every minute. The title shows the
# worst problem and how many more; the menu lists one line per vendor in
# trouble. It answers from vendorwatch's snapshot at once and never waits
# for a vendor (see `vendorwatch --help`, --tmux).
#
# <xbar.title>vendorwatch</xbar.title>
# <xbar.version>v1.0</xbar.version>
# <xbar.author>vendorwatch</xbar.author>
# <xbar.desc>Is it us or them? Vendor status pages and our own API keys, in the menu bar.</xbar.desc>
# <xbar.dependencies>vendorwatch</xbar.dependencies>
# <xbar.var>string(VAR_STYLE="default"): Colours for a dark (default, dark) or light (light) menu.</xbar.var>
# <swiftbar.environment>[VAR_STYLE=default]</swiftbar.environment>
# <swiftbar.hideRunInTerminal>true</swiftbar.hideRunInTerminal>

# xbar starts plugins with a short PATH: add Homebrew's and /usr/local.
PATH="/opt/homebrew/bin:/usr/local/bin:$PATH"
export PATH

exec vendorwatch --tmux --format xbar --style "${VAR_STYLE:-default}"
