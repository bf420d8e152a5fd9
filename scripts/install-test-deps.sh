#!/usr/bin/env bash
# Installs the Debian packages the tests talk to (idempotent; does nothing when present):
# mosquitto-clients (mosquitto_pub/mosquitto_sub interop tests), mosquitto (the
# benchmarks' side-by-side comparison), unzip (the distribution's end-to-end test unzips
# the zip as a user would, keeping the scripts' executable bits) and haproxy (the cluster
# tests' load balancer), kubernetes-client (kubectl checks the Kubernetes example's manifests
# offline; any kubectl already on the PATH will do), chromium, chromium-driver and
# firefox-esr (the dashboard's browser test, headless; Firefox through its own Marionette
# protocol, since Debian has no geckodriver); then makes Docker ready for the container tests
# (docker-setup.sh).
set -euo pipefail
missing=()
command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}"
fi
"$(dirname "$0")/docker-setup.sh"
