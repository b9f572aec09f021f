# The full-screen client, driven headless: /file with an image sends it beside the text, to a model that takes images.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_png "$T/shot.png"
png64=$(base64 <"$T/shot.png" | tr -d '\n')
t_config_append '
[model.test-cheap]
vision = no
[model.test-local]
vision = yes
[model.test-mid]
vision = yes'
fake_reset
fake_default '{"text":"A red square.","usage":{"input":5,"output":1}}'
tui_ok "image" i <<S
:type /tier cheap
:key Enter
:type /file $T/shot.png
:key Enter
:type what is this?
:wait-idle
:dump-screen $T/i0
:key Enter
:wait-idle
:key F4
:wait-idle
:type and the colour?
:key Enter
:wait-idle
:dump-screen $T/i1
S
check_contains "image: the route line passes over the text-only model" "$(cat "$T/i0")" \
    "route tier → cheap  test-local  the image moved it"
check_contains "image: the attachment shown with the message" "$(cat "$T/i1")" "[attached $T/shot.png]"
check_eq "image: sent to the model that takes images, as an image" "$(fake_get 0 path):$(fake_get 0 body.messages)" \
    "/api/chat:[{\"role\":\"user\",\"content\":\"what is this?\",\"images\":[\"$png64\"]}]"
check_eq "image: re-asked one tier up with the image again" \
    "$(fake_get 1 path):$(fake_get 1 body.messages.0.content.0.source.media_type)" /v1/messages:image/png
check_eq "image: the next turn goes as text, the image noted once" "$(fake_get 2 body.messages.0.content)" \
    "$(printf 'what is this?\n\n[image: image/png, 2x3, 1 KB]')"
check_eq "image: the next turn carries no image" "$(fake_get 2 body.messages.2.images 2>/dev/null || echo none)" none
check_eq "image: three requests" "$(fake_count)" 3

# A pinned model that takes no images: refused on the status line, nothing sent
fake_reset
fake_default '{"text":"ok","usage":{"input":5,"output":1}}'
tui_ok "pinned text-only" p <<S
:type /model test-cheap
:key Enter
:type /file $T/shot.png
:key Enter
:type what is this?
:key Enter
:wait-idle
:dump-screen $T/p0
S
check_contains "pinned text-only: says it takes no images" "$(cat "$T/p0")" "test-cheap does not take images"
check_eq "pinned text-only: nothing sent" "$(fake_count)" 0

echo "# $T_PASS passed, $T_FAIL failed"
