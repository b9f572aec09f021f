#!/bin/sh
# images: -f with an image sends it in each wire format's shape, routes it to
# models that take images, and refuses a pinned model that does not.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# A 2x3 PNG, and the same bytes under a name that says text: content decides.
t_png "$T/shot.png"
cp "$T/shot.png" "$T/shot.txt"
t_py - "$T" <<'EOF'
import sys
d = sys.argv[1]
# GIF89a 5x4 header, a JPEG with a SOF0 of 640x480, a lossless WebP of 7x9
open(d + "/anim.gif", "wb").write(b"GIF89a\x05\x00\x04\x00\x00\x00\x00;")
open(d + "/photo.jpg", "wb").write(b"\xff\xd8\xff\xe0\x00\x04JF\xff\xc0\x00\x11\x08\x01\xe0\x02\x80\x03"
                                   + b"\0" * 12 + b"\xff\xd9")
b = (6 | (8 << 14)).to_bytes(4, "little")
open(d + "/pic.webp", "wb").write(b"RIFF\x16\x00\x00\x00WEBPVP8L\x0a\x00\x00\x00\x2f" + b + b"\0\0\0\0\0")
EOF
png64=$(base64 <"$T/shot.png" | tr -d '\n')
gif64=$(base64 <"$T/anim.gif" | tr -d '\n')

# vision MODEL YES_OR_NO...: say in config.ini whether each MODEL takes images.
vision() {
	while [ $# -ge 2 ]; do
		t_config_append "[model.$1]
vision = $2"
		shift 2
	done
}
vision test-cheap no test-mid yes test-frontier yes test-local yes

# llm models --json says which models take images
run_llm models --json
printf '%s\n' "$OUT" >"$T/m.json"
check_eq "models --json: vision of each" "$(t_py -c 'import json, sys
m = {x["name"]: x["vision"] for x in json.load(open(sys.argv[1]))}
print(m["test-cheap"], m["test-mid"], m["deepseek-v4-flash"], m["claude-opus-4-7"])' "$T/m.json")" "no yes no yes"

# Ollama: base64 strings in the message's images, the text as content
fake_reply '{"text":"A red square."}'
run_llm -q -m test-local -f "$T/shot.png" "what is this?"
check_rc "ollama: exit 0" 0
check_eq "ollama: the answer" "$OUT" "A red square."
check_eq "ollama: base64 in the message's images, text as content" "$(fake_last body.messages)" \
    "[{\"role\":\"user\",\"content\":\"what is this?\",\"images\":[\"$png64\"]}]"

# OpenAI Chat Completions: the text, then an image_url part with a data: URL each
t_config_append "$(t_model test-seeing openai test-seeing-1 cheap 0.10 0.40 'vision = yes')"
fake_reply '{"text":"A red square."}'
run_llm -q -m test-seeing -s "be brief" -f "$T/shot.png" -f "$T/anim.gif" "what are these?"
check_rc "openai: exit 0" 0
check_eq "openai: system, then text and image_url parts with data: URLs" \
    "$(fake_last body.messages)" \
    "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what are these?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,$png64\"}},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/gif;base64,$gif64\"}}]}]"

# A server that reports no usage: the estimate counts the image, and says it is one
fake_reply '{"text":"A red square.","usage":null}'
run_llm -m test-seeing --json -f "$T/shot.png" "what is this?"
printf '%s\n' "$OUT" >"$T/u.json"
check_eq "no usage: estimated" "$(json_get "$T/u.json" usage.estimated)" true
check "no usage: the input estimate holds the image's 255 tokens" \
    test "$(json_get "$T/u.json" usage.input_tokens)" -gt 255
fake_reply '{"text":"A red square.","usage":null}'
run_llm -m test-seeing --json "what is this?"
printf '%s\n' "$OUT" >"$T/u0.json"
check "no usage, no image: an estimate 255 tokens smaller" test \
    "$(($(json_get "$T/u.json" usage.input_tokens) - $(json_get "$T/u0.json" usage.input_tokens)))" -eq 255

# Anthropic Messages: image blocks with a base64 source first, the text after
fake_reply '{"text":"A red square."}'
run_llm -q -m test-mid -f "$T/shot.png" "what is this?"
check_rc "anthropic: exit 0" 0
check_eq "anthropic: image block with its media type, then the text" \
    "$(fake_last body.messages.0.content.0)" \
    "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"$png64\"}}"
check_eq "anthropic: the text block after the image" "$(fake_last body.messages.0.content.1.type):$(fake_last body.messages.0.content.1.text)" \
    "text:what is this?"
check_eq "anthropic: two blocks" "$(fake_last body.messages.0.content.2 2>/dev/null || echo none)" none

# With caching asked for, the breakpoint goes on the text block, after the image
t_config_append '
[model.test-mid]
cache_min = 1'
fake_reply '{"text":"A red square."}'
run_llm -q -m test-mid -s "be brief" -f "$T/shot.png" "what is this?"
check_eq "anthropic, cached: the image block carries no breakpoint" \
    "$(fake_last body.messages.0.content.0.cache_control 2>/dev/null || echo none)" none
check_eq "anthropic, cached: the breakpoint on the text after it" \
    "$(fake_last body.messages.0.content.1.cache_control.type)" ephemeral

# Gemini: inline_data parts before the text part
fake_reply '{"text":"A red square."}'
run_llm -q -m test-frontier -f "$T/shot.txt" "what is this?"
check_rc "gemini: exit 0" 0
check_eq "gemini: inline_data, then the text (sniffed by content, not by name)" \
    "$(fake_last body.contents)" \
    "[{\"role\":\"user\",\"parts\":[{\"inline_data\":{\"mime_type\":\"image/png\",\"data\":\"$png64\"}},{\"text\":\"what is this?\"}]}]"

# JPEG and WebP are known by their first bytes too
fake_reply '{"text":"ok"}'
run_llm -q -m test-mid -f "$T/photo.jpg" -f "$T/pic.webp" "and these?"
check_eq "jpeg: its media type" "$(fake_last body.messages.0.content.0.source.media_type)" image/jpeg
check_eq "webp: its media type" "$(fake_last body.messages.0.content.1.source.media_type)" image/webp

# A text file beside an image is still inlined as text
printf 'hello notes\n' >"$T/notes.md"
fake_reply '{"text":"ok"}'
run_llm -q -m test-local -f "$T/notes.md" -f "$T/shot.png" "read both"
check_contains "text file: inlined in the message" "$(fake_last body.messages.0.content)" "hello notes"
check_eq "text file: the image apart" "$(fake_last body.messages.0.images)" "[\"$png64\"]"

# The router passes over text-only models and says why
run_llm route -t cheap -f "$T/shot.png" "what is this?"
check_rc "route: exit 0" 0
check_contains "route: the cheap tier's model that takes images" "$OUT" "model     test-local"
check_contains "route: the reason names the text-only model passed over" "$OUT" \
    "image: passed over test-cheap (text-only)"
check_contains "route: the images' tokens shown" "$OUT" "images    1,"
check_not_contains "route: the cheap row is not a text-only model" "$OUT" "cheap     test-cheap"
run_llm route -t cheap --json -f "$T/shot.png" "what is this?"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "route --json: vision_adjusted" "$(json_get "$T/r.json" vision_adjusted)" true
# 2x3 px, by OpenAI's rule (Ollama publishes none): one 512 px tile, 85 + 170 tokens
check_eq "route --json: the image's tokens by OpenAI's rule" "$(json_get "$T/r.json" image_tokens)" 255
run_llm route -t cheap "what is this?"
check_contains "route: without an image the text-only model is first" "$OUT" "model     test-cheap"

n=$(fake_count)
fake_reply '{"text":"A red square."}'
run_llm -t cheap -f "$T/shot.png" "what is this?"
check_rc "routed: exit 0" 0
check_eq "routed: sent to the model that takes images" "$(fake_last path):$(fake_last body.model)" \
    /api/chat:llama3.2
check_contains "routed: the reason on stderr" "$ERR" "image: passed over test-cheap (text-only)"
check_eq "routed: one request" "$(fake_count)" $((n + 1))
fake_reply '{"text":"A red square."}'
run_llm -t cheap --json -f "$T/shot.png" "what is this?"
printf '%s\n' "$OUT" >"$T/a.json"
check_eq "routed --json: vision_adjusted" "$(json_get "$T/a.json" route.vision_adjusted)" true
check_contains "routed --json: the reason" "$(json_get "$T/a.json" route.reason)" "passed over test-cheap (text-only)"

# A refusal re-asked one tier up goes, with the image, to a model up there that takes it
sed -i 's/^escalate = no/escalate = yes/' "$LLM_CONFIG_DIR/config.ini"
n=$(fake_count)
fake_reply '{"text":"I'"'"'m sorry, but I can'"'"'t help with that.","usage":{"input":100,"output":10}}'
fake_reply '{"text":"A red square.","usage":{"input":100,"output":20}}'
run_llm -q -t cheap -f "$T/shot.png" "what is this?"
check_rc "escalated: exit 0" 0
check_eq "escalated: two requests" "$(fake_count)" $((n + 2))
check_eq "escalated: first to the cheap model that takes images" "$(fake_get -2 path)" /api/chat
check_eq "escalated: then to mid, the image with it" "$(fake_last path):$(fake_last body.messages.0.content.0.source.media_type)" \
    /v1/messages:image/png
sed -i 's/^escalate = yes/escalate = no/' "$LLM_CONFIG_DIR/config.ini"

# A pinned text-only model is refused before anything is sent
n=$(fake_count)
run_llm -m test-cheap -f "$T/shot.png" "what is this?"
check_rc "pinned text-only: exit 2" 2
check_contains "pinned text-only: says it takes none" "$ERR" "test-cheap does not take images; models that do: "
check_contains "pinned text-only: names those that do" "$ERR" "test-mid, test-frontier, test-local, test-seeing"
check_eq "pinned text-only: nothing sent" "$(fake_count)" "$n"
run_llm route -m test-cheap -f "$T/shot.png" "what is this?"
check_rc "route, pinned text-only: exit 2" 2

# No model of the tier or above that takes images
vision test-frontier no test-mid no
run_llm -t mid -f "$T/shot.png" "what is this?"
check_rc "none that sees: exit 2" 2
check_contains "none that sees: says so" "$ERR" "no model of the mid tier or above with a key takes images"
check_eq "none that sees: nothing sent" "$(fake_count)" "$n"
t_write_config
vision test-mid yes

# A model nobody described may be pinned: the reason says it is not known
fake_reply '{"text":"ok"}'
run_llm -v -m test-frontier -f "$T/shot.png" "what is this?"
check_rc "pinned, unknown: exit 0" 0
check_contains "pinned, unknown: the reason says so" "$ERR" "whether it takes images is not known"

# Too large: refused with what to do, nothing sent
n=$(fake_count)
{ printf '\211PNG\r\n\032\n'; head -c $((20 * 1048576)) /dev/zero; } >"$T/big.png"
run_llm -m test-mid -f "$T/big.png" "what is this?"
check_rc "over 20 MiB: exit 2" 2
check_contains "over 20 MiB: says the cap" "$ERR" "over the 20 MiB llm sends; scale it down"
check_eq "over 20 MiB: nothing sent" "$(fake_count)" "$n"

# Over Anthropic's 5 MiB an image: a pin is refused, the router passes it over
n=$(fake_count)
{ printf '\211PNG\r\n\032\n'; head -c $((6 * 1048576)) /dev/zero; } >"$T/six.png"
run_llm -m test-mid -f "$T/six.png" "what is this?"
check_rc "over Anthropic's limit, pinned: exit 2" 2
check_contains "over Anthropic's limit, pinned: says the limit" "$ERR" \
    "test-mid: Anthropic takes images of at most 5 MiB each; scale the image down"
check_eq "over Anthropic's limit, pinned: nothing sent" "$(fake_count)" "$n"
vision test-frontier yes
run_llm route -t mid -f "$T/six.png" "what is this?"
check_contains "over Anthropic's limit, routed: on to a model that takes it" "$OUT" "model     test-frontier"
check_contains "over Anthropic's limit, routed: the reason says why" "$OUT" \
    "image: passed over test-mid (image too large)"

# An image and no question
run_llm -m test-mid -f "$T/shot.png"
check_rc "no question: exit 2" 2
check_contains "no question: says what to give" "$ERR" "an image needs a question with it"

# The conversation keeps a word of the image; it is not sent again
fake_reply '{"text":"A red square."}'
run_llm -q -m test-mid -f "$T/shot.png" "what is this?"
fake_reply '{"text":"Red."}'
run_llm -q -c -m test-mid "which colour?"
check_rc "continued: exit 0" 0
check_eq "continued: the earlier turn's text with its note" "$(fake_last body.messages.0.content)" \
    "$(printf 'what is this?\n\n[image: image/png, 2x3, 1 KB]')"
check_eq "continued: the new turn is text" "$(fake_last body.messages.2.content)" "which colour?"

# An image piped in (a screenshot tool's output) is sent as an image, as -f sends one: on
# stdin with the question as the prompt, and with -f - naming it.
t_write_config
t_config_append "$(t_model test-seeing openai test-seeing-1 cheap 0.10 0.40 'vision = yes')"
vision test-cheap no
fake_reply '{"text":"A red square."}'
run_llm -q -m test-seeing "what is this?" <"$T/shot.png"
check_rc "piped image: exit 0" 0
check_eq "piped image: sent as an image beside the prompt" "$(fake_last body.messages)" \
    "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,$png64\"}}]}]"
check_not_contains "piped image: no note that stdin was empty" "$ERR" "nothing came on stdin"
fake_reply '{"text":"A red square."}'
run_llm -q -m test-seeing -f - "what is this?" <"$T/shot.png"
check_rc "piped image with -f -: exit 0" 0
check_eq "piped image with -f -: the image sent" "$(fake_last body.messages.0.content.1.image_url.url)" \
    "data:image/png;base64,$png64"
fake_reply '{"text":"A red square."}'
run_llm -q -m test-seeing -f "$T/anim.gif" "what are these?" <"$T/shot.png"
check_eq "piped image and -f image: both, stdin first" \
    "$(fake_last body.messages.0.content.1.image_url.url) $(fake_last body.messages.0.content.2.image_url.url)" \
    "data:image/png;base64,$png64 data:image/gif;base64,$gif64"
n=$(fake_count)
run_llm -q -m test-cheap "what is this?" <"$T/shot.png"
check_rc "piped image to a text-only pin: exit 2" 2
check_eq "piped image to a text-only pin: nothing sent" "$(fake_count)" "$n"
run_llm route -m test-seeing --json "what is this?" <"$T/shot.png"
check_rc "piped image: llm route takes it" 0

# An image from a command's output (-f <(screenshot) in bash, /dev/fd/N) is told by its
# bytes, as a file's is, never refused as binary: here fd 3 is that pipe, stdin not piped.
# Another binary (a NUL byte) on such a pipe is still refused, and over the cap too.
fake_reply '{"text":"A red square."}'
# (through a command, as a process substitution names one: a redirection would be a file)
dd if="$T/shot.png" 2>/dev/null | {
	"$LLM_BIN" -q -m test-seeing -f /dev/fd/3 "what is this?" 3<&0 </dev/null \
	    >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
check_eq "image on a command's pipe: exit 0" "$(cat "$T/rc")" 0
check_eq "image on a command's pipe: sent as an image" \
    "$(fake_last body.messages.0.content.1.image_url.url)" "data:image/png;base64,$png64"
check_eq "image on a command's pipe: nothing said" "$(cat "$T/err")" ""
n=$(fake_count)
printf '\211PNX\000\000\000\000' | {
	"$LLM_BIN" -q -m test-seeing -f /dev/fd/3 "x" 3<&0 </dev/null >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
check_eq "no image on a pipe, binary: exit 2" "$(cat "$T/rc")" 2
check_contains "no image on a pipe, binary: said" "$(cat "$T/err")" "/dev/fd/3: binary data"
{ cat "$T/shot.png"; head -c 17000000 /dev/zero; } | {
	"$LLM_BIN" -q -m test-seeing -f /dev/fd/3 "x" 3<&0 </dev/null >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
check_eq "image on a pipe over the cap: exit 2" "$(cat "$T/rc")" 2
check_contains "image on a pipe over the cap: said" "$(cat "$T/err")" "over the 16 MiB input limit"
check_eq "binary or too large on a pipe: nothing sent" "$(fake_count)" "$n"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
