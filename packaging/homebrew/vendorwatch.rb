# Homebrew formula for vendorwatch, rendered by the release build
# (release/formula.go) with the version and the archives' SHA-256 sums into
# dist/vendorwatch.rb. Put that file in a tap (a repository named
# homebrew-<tap>, under Formula/) to install with
#   brew install <owner>/<tap>/vendorwatch
class Vendorwatch < Formula
  desc "Is it us or them? Vendor status pages, key probes and findings for on-call"
  homepage "https://github.com/vendorwatch/vendorwatch"
  version "{{.PlainVersion}}"

  on_macos do
    on_arm do
      url "{{.BaseURL}}/{{.Archive "darwin" "arm64"}}"
      sha256 "{{.SHA256 "darwin" "arm64"}}"
    end
    on_intel do
      url "{{.BaseURL}}/{{.Archive "darwin" "amd64"}}"
      sha256 "{{.SHA256 "darwin" "amd64"}}"
    end
  end

  on_linux do
    on_arm do
      url "{{.BaseURL}}/{{.Archive "linux" "arm64"}}"
      sha256 "{{.SHA256 "linux" "arm64"}}"
    end
    on_intel do
      url "{{.BaseURL}}/{{.Archive "linux" "amd64"}}"
      sha256 "{{.SHA256 "linux" "amd64"}}"
    end
  end

  def install
    bin.install "vendorwatch"
    man1.install Dir["man/*.1"]
    pkgshare.install "config.example.yaml"
  end

  def caveats
    <<~EOS
      An example config is in #{pkgshare}/config.example.yaml; copy it to
      ~/.config/vendorwatch/config.yaml. Try the dashboard without one:
        vendorwatch --demo
    EOS
  end

  test do
    assert_match "vendorwatch #{version}", shell_output("#{bin}/vendorwatch --version")
    system bin/"vendorwatch", "check-config", "--config", pkgshare/"config.example.yaml"
  end
end
