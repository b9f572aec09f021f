# fake_tools: the fake provider scripts tool calls in each wire format and checks the results sent back.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# A client of the four formats: ask, read the calls the stream makes, send the
# results back (right, or broken as the last argument says); print the HTTP
# status of the second request and the calls seen ("name:id:args|...").
_CLIENT='
import json, sys, urllib.request
fmt, base, mode = sys.argv[1], sys.argv[2], sys.argv[3]
paths = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages",
         "gemini": "/v1beta/models/m:streamGenerateContent?alt=sse", "ollama": "/api/chat"}
def post(body):
    req = urllib.request.Request(base + paths[fmt], json.dumps(body).encode(),
                                 {"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return 200, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
def events(raw):
    if fmt == "ollama":
        return [json.loads(l) for l in raw.splitlines() if l.strip()]
    out = []
    for l in raw.splitlines():
        if l.startswith("data: ") and l[6:].strip() != "[DONE]":
            out.append(json.loads(l[6:]))
    return out
user = {"role": "user", "content": "fix it"}
if fmt == "gemini":
    body = {"contents": [{"role": "user", "parts": [{"text": "fix it"}]}]}
else:
    body = {"model": "m", "stream": True, "messages": [user]}
st, raw = post(body)
calls = []   # (id, name, args object, signature)
text = ""
if fmt == "openai":
    acc = {}
    for e in events(raw):
        for c in (e.get("choices") or [{}])[0].get("delta", {}).get("tool_calls") or []:
            a = acc.setdefault(c["index"], {"id": None, "name": None, "args": ""})
            a["id"] = a["id"] or c.get("id")
            a["name"] = a["name"] or c.get("function", {}).get("name")
            a["args"] += c.get("function", {}).get("arguments") or ""
        text += ((e.get("choices") or [{}])[0].get("delta", {}).get("content") or "")
    calls = [(a["id"], a["name"], json.loads(a["args"]), None) for _, a in sorted(acc.items())]
elif fmt == "anthropic":
    acc = {}
    for e in events(raw):
        if e["type"] == "content_block_start" and e["content_block"]["type"] == "tool_use":
            acc[e["index"]] = {"id": e["content_block"]["id"], "name": e["content_block"]["name"], "args": ""}
        if e["type"] == "content_block_delta" and e["delta"]["type"] == "input_json_delta":
            acc[e["index"]]["args"] += e["delta"]["partial_json"]
        if e["type"] == "content_block_delta" and e["delta"]["type"] == "text_delta":
            text += e["delta"]["text"]
    calls = [(a["id"], a["name"], json.loads(a["args"] or "{}"), None) for _, a in sorted(acc.items())]
elif fmt == "gemini":
    for e in events(raw):
        for p in e["candidates"][0]["content"]["parts"]:
            if "functionCall" in p:
                calls.append((p["functionCall"].get("id"), p["functionCall"]["name"], p["functionCall"]["args"],
                              p.get("thoughtSignature")))
            text += p.get("text", "")
else:
    for e in events(raw):
        for c in e.get("message", {}).get("tool_calls") or []:
            calls.append((c.get("id"), c["function"]["name"], c["function"]["arguments"], None))
        text += e.get("message", {}).get("content", "")
if mode == "wrong_id":
    calls_back = [(("x" + (calls[0][0] or "")),) + calls[0][1:]] + calls[1:]
else:
    calls_back = calls
if fmt in ("openai", "ollama"):
    am = {"role": "assistant", "content": text, "tool_calls": [
        {"id": c[0], "type": "function", "function": {"name": c[1],
         "arguments": json.dumps(c[2]) if fmt == "openai" else c[2]}} for c in calls]}
    res = [{"role": "tool", "tool_call_id": c[0], "tool_name": c[1], "content": "done"} for c in calls_back]
    if mode == "missing":
        res = res[:-1]
    if mode == "wrong_id" and fmt == "ollama":
        res[0]["tool_name"] = "other"
    body["messages"] += [am] + res + ([] if mode != "missing" else [])
elif fmt == "anthropic":
    am = {"role": "assistant", "content": [{"type": "text", "text": text}] + [
        {"type": "tool_use", "id": c[0], "name": c[1], "input": c[2]} for c in calls]}
    res = [{"type": "tool_result", "tool_use_id": c[0], "content": "done"} for c in calls_back]
    if mode == "missing":
        res = res[:-1]
    body["messages"] += [am, {"role": "user", "content": res}]
else:
    parts = []
    for c in calls:
        p = {"functionCall": {"name": c[1], "args": c[2]}}
        if c[3] and mode != "lost_signature":
            p["thoughtSignature"] = c[3]
        parts.append(p)
    resp = [{"functionResponse": {"name": c[1] if mode != "wrong_id" else "other", "response": {"result": "done"}}}
            for c in calls]
    if mode == "missing":
        resp = resp[:-1]
    body["contents"] += [{"role": "model", "parts": [{"text": text}] + parts},
                         {"role": "user", "parts": resp}]
st2, raw2 = post(body)
print(st2, "|".join("%s:%s:%s" % (c[1], c[0], json.dumps(c[2], sort_keys=True)) for c in calls))
'

TWO='{"text":"Looking at it.","calls":[{"name":"read","args":{"path":"src/sum.c"}},{"name":"list","args":{"path":"."}}]}'

for fmt in openai anthropic gemini ollama; do
	fake_reset
	fake_reply "$TWO"
	fake_reply '{"text":"Done."}'
	out=$(t_py -c "$_CLIENT" "$fmt" "$FAKE_URL" good)
	check_contains "$fmt: two calls made, results accepted" "$out" '200 read:'
	check_contains "$fmt: both calls assembled" "$out" '|list:'
	check_contains "$fmt: arguments intact" "$out" '{"path": "src/sum.c"}'
	errs=$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")
	check_eq "$fmt: no tool errors" "$errs" '[]'
	for bad in missing wrong_id; do
		fake_reset
		fake_reply "$TWO"
		fake_reply '{"text":"Done."}'
		out=$(t_py -c "$_CLIENT" "$fmt" "$FAKE_URL" "$bad")
		check_contains "$fmt: $bad result refused loudly" "$out" '400 '
		errs=$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")
		check_not_contains "$fmt: $bad is kept in tool_errors" "$errs" '[]'
	done
done

# Gemini: the thought signature must come back on the part that carried it.
fake_reset
fake_reply "$TWO"
out=$(t_py -c "$_CLIENT" gemini "$FAKE_URL" lost_signature)
check_contains "gemini: a lost thought signature is refused" "$out" '400 '
check_contains "gemini: the reason is kept" "$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")" 'signature'

