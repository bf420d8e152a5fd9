#!/usr/bin/env bash
# Builds Starling's container image from the distribution zip (docs/CONTAINERS.md):
#
#   mvn -B -q package -DskipTests && scripts/build-image.sh
#
# Options:
#   --jre IMAGE  the Java 17+ base image (default: the Dockerfile's, eclipse-temurin:17-jre);
#                the project's tests use the local starling-test/jre17:1 (scripts/docker-setup.sh)
#   --tag NAME   the image's name (default: starling:VERSION, also tagged starling:latest)
#
# The build context is a temporary directory with the unzipped distribution (as starling/) and
# distribution/src/docker/; it is removed afterwards. Needs unzip and docker.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd -P)
jre=
tags=()
while [ $# -gt 0 ]; do
  case $1 in
    --jre) jre=$2; shift 2 ;;
    --tag) tags+=(-t "$2"); shift 2 ;;
    *) echo "build-image: unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done

zips=("$root"/distribution/target/starling-*.zip)
if [ ! -f "${zips[0]}" ] || [ ${#zips[@]} -ne 1 ]; then
  echo "build-image: expected one distribution/target/starling-*.zip; build it first: mvn -B -q package -DskipTests" >&2
  exit 1
fi
zip=${zips[0]}
version=$(basename "$zip" .zip)
version=${version#starling-}
if [ ${#tags[@]} -eq 0 ]; then
  tags=(-t "starling:$version" -t starling:latest)
fi

context=$(mktemp -d "${TMPDIR:-/tmp}/starling-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
unzip -q "$zip" -d "$context"
mv "$context/starling-$version" "$context/starling"
cp "$root"/distribution/src/docker/* "$context/"

docker build ${jre:+--build-arg "JRE_IMAGE=$jre"} "${tags[@]}" "$context"
