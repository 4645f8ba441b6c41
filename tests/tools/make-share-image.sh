#!/usr/bin/env bash
# Draws static/share.png, the 1200×630 picture that link previews (Open Graph) show for the
# site: the site's icon (static/icon.svg) and name in its colours, rendered once by headless
# Chromium. Run it again after changing the icon or the colours; the PNG is committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
icon=$(base64 -w0 static/icon.svg)
cat > "$work/share.html" <<HTML
<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><style>
  html, body { margin: 0; width: 1200px; height: 630px; overflow: hidden; }
  body { background: #153e6b; color: #fff; font-family: "DejaVu Sans", sans-serif;
         display: flex; align-items: center; gap: 56px; padding: 0 90px; box-sizing: border-box; }
  img { width: 240px; height: 240px; }
  h1 { font-size: 120px; letter-spacing: 8px; margin: 0 0 20px; }
  p { font-size: 38px; line-height: 1.3; margin: 0; max-width: 700px; }
  .rule { width: 140px; height: 10px; background: #f2b705; margin: 0 0 28px; }
</style></head><body>
  <img src="data:image/svg+xml;base64,$icon" alt="">
  <div><h1>DEFUS</h1><div class="rule"></div>
  <p>Deutsch-Europäisches Forum für Urbane Sicherheit e.&nbsp;V.</p></div>
</body></html>
HTML
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size=1200,630 --screenshot="$work/share.png" "file://$work/share.html" 2>/dev/null
cp "$work/share.png" static/share.png
echo "wrote static/share.png"
