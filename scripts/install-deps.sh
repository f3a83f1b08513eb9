#!/usr/bin/env bash
# Installs what the portal needs on Debian 12: PostgreSQL 15, pgvector (built from the
# Debian source package, since bookworm does not ship it), OCR (tesseract with Japanese, vertical Japanese and
# English, and poppler-utils' pdftoppm to render scanned pages), LibreOffice headless (writer, calc, impress; converts
# legacy and OpenDocument files) and, with --browser (./portal test), Chromium and sentencepiece.
# Idempotent: each step checks first, so a second run costs a second or two.
set -euo pipefail

want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

log() { echo "[portal] $*"; }
need_root() { [[ $(id -u) -eq 0 ]] || { echo "[portal] installing system packages needs root (or install them yourself: see DEVELOPERS.md)" >&2; exit 1; }; }

apt_updated=0
apt_install() {
  need_root
  if [[ $apt_updated -eq 0 ]]; then
    log "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x $pg_bin/postgres || ! -f /usr/include/postgresql/15/server/postgres.h ]] || ! command -v make >/dev/null || ! command -v gcc >/dev/null; then
  apt_install postgresql-15 postgresql-client-15 postgresql-server-dev-15 build-essential ca-certificates
  # The Debian package starts a system cluster on 5432; we run our own project-local cluster instead.
  (systemctl disable --now postgresql >/dev/null 2>&1 || service postgresql stop >/dev/null 2>&1 || true)
fi

# pgvector from Debian forky's source package (bookworm has none; trixie's 0.8.0 is affected by CVE-2026-3172,
# a parallel HNSW build overflow fixed in 0.8.2). An older build is replaced; the portal's migrator then runs
# ALTER EXTENSION vector UPDATE on each database.
# The mirror here may lag behind forky's index (0.8.7 listed, its files missing): then the newest fixed release it
# does hold is taken from the same pool, trusted by the .dsc checksum pinned below (dpkg-source checks the rest).
pgvector_min=0.8.2
pgvector_fallback_dsc=pgvector_0.8.6-1.dsc
pgvector_fallback_sha256=d08de2aa48b7cb70319cc896aa3d95514690d1009f96579dbe6b23c59634f4e6
ext_dir=$($pg_bin/pg_config --sharedir)/extension
installed=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$ext_dir/vector.control" 2>/dev/null || true)
if [[ -z "$installed" ]] || [[ $(printf '%s\n%s\n' "$pgvector_min" "$installed" | sort -V | head -1) != "$pgvector_min" ]]; then
  need_root
  log "building pgvector $pgvector_min+ from the Debian (forky) source package${installed:+ (replacing $installed)}"
  command -v dpkg-source >/dev/null || apt_install dpkg-dev
  work=$(mktemp -d); chmod 755 "$work"
  # A private sources list: the machine's own apt configuration never sees forky.
  mkdir -p "$work/apt/lists/partial" "$work/apt/sources.list.d"
  echo "deb-src http://deb.debian.org/debian forky main" > "$work/apt/sources.list"
  apt_opts=(-o Dir::Etc::SourceList="$work/apt/sources.list" -o Dir::Etc::SourceParts="$work/apt/sources.list.d" -o Dir::State::Lists="$work/apt/lists")
  apt-get "${apt_opts[@]}" update -qq
  if ! (cd "$work" && apt-get "${apt_opts[@]}" source --download-only pgvector >/dev/null 2>&1); then
    log "forky's current pgvector source is not on this mirror; using $pgvector_fallback_dsc from its pool"
    rm -f "$work"/pgvector_*
    pool=http://deb.debian.org/debian/pool/main/p/pgvector
    curl -fsS -o "$work/$pgvector_fallback_dsc" "$pool/$pgvector_fallback_dsc"
    echo "$pgvector_fallback_sha256  $work/$pgvector_fallback_dsc" | sha256sum -c --quiet -
    for f in $(awk '/^Files:/{f=1;next} /^[^ ]/{f=0} f{print $3}' "$work/$pgvector_fallback_dsc"); do curl -fsS -o "$work/$f" "$pool/$f"; done
  fi
  (cd "$work" && dpkg-source -x ./pgvector_*.dsc src >/dev/null)
  version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$work/src/vector.control")
  if [[ $(printf '%s\n%s\n' "$pgvector_min" "$version" | sort -V | head -1) != "$pgvector_min" ]]; then
    echo "[portal] forky's pgvector source is $version, older than $pgvector_min; refusing to build it" >&2; exit 1
  fi
  make -s -C "$work/src" PG_CONFIG=$pg_bin/pg_config >/dev/null
  make -s -C "$work/src" PG_CONFIG=$pg_bin/pg_config install >/dev/null
  rm -rf "$work"
  log "pgvector installed: $(grep default_version "$ext_dir/vector.control")"
fi

# OCR of scans and images (Ingestion:OcrEnabled, on in the demo): tesseract and its languages, pdftoppm to render pages.
tessdata=/usr/share/tesseract-ocr/5/tessdata
ocr_missing=()
command -v tesseract >/dev/null || ocr_missing+=(tesseract-ocr)
for lang in jpn:tesseract-ocr-jpn jpn_vert:tesseract-ocr-jpn-vert eng:tesseract-ocr-eng; do
  [[ -f "$tessdata/${lang%%:*}.traineddata" ]] || ocr_missing+=("${lang#*:}")
done
command -v pdftoppm >/dev/null || ocr_missing+=(poppler-utils)
if [[ ${#ocr_missing[@]} -gt 0 ]]; then
  apt_install "${ocr_missing[@]}"
fi

# LibreOffice headless converts .doc, .xls, .ppt, .rtf and OpenDocument files to Office Open XML for indexing
# (Ingestion:SofficePath). A full desktop LibreOffice is fine too: each module is looked for by its library.
lo=/usr/lib/libreoffice/program
lo_missing=()
[[ -x /usr/bin/soffice && -f $lo/libswlo.so ]] || lo_missing+=(libreoffice-writer-nogui)
[[ -f $lo/libsclo.so ]] || lo_missing+=(libreoffice-calc-nogui)
[[ -f $lo/libslideshowlo.so ]] || lo_missing+=(libreoffice-impress-nogui)
if [[ ${#lo_missing[@]} -gt 0 ]]; then
  apt_install "${lo_missing[@]}"
fi

if [[ $want_browser -eq 1 ]] && [[ ! -x /usr/bin/chromium ]]; then
  apt_install chromium
fi
# Japanese text in the browser (screenshots of the ja UI) needs a CJK font; Debian's Chromium ships none.
if [[ $want_browser -eq 1 ]] && [[ ! -d /usr/share/fonts/opentype/noto ]]; then
  apt_install fonts-noto-cjk
fi
# The ONNX tokenizer tests train tiny SentencePiece models with spm_train and compare ids with spm_encode.
if [[ $want_browser -eq 1 ]] && ! command -v spm_train >/dev/null; then
  apt_install sentencepiece
fi
