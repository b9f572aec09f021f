# agent_env: a command the agent runs gets no credential from llm's environment (tokens,
# secrets, passwords, URLs with a password), nor the way to the session's agents (bus, ssh,
# gpg, display, tmux), while harmless variables reach it.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_sum_repo "$T/repo"
export GITHUB_TOKEN=cred-github-01 GH_TOKEN=cred-gh-02 NPM_TOKEN=cred-npm-03 \
    AWS_SECRET_ACCESS_KEY=cred-aws-04 AWS_SESSION_TOKEN=cred-aws-05 \
    PGPASSWORD=cred-pg-06 DB_PASSWORD=cred-db-07 CLIENT_SECRET=cred-client-08 \
    STRIPE_SECRET_KEY=cred-stripe-09 DEPLOY_PRIVATE_KEY=cred-deploy-10 \
    MYSQL_PWD=cred-mysql-11 HF_token=cred-hf-12 CI_JOB_TOKEN=cred-ci-13 \
    DATABASE_URL=postgres://app:cred-url-14@db.example/app \
    HTTPS_PROXY=http://me:cred-proxy-15@proxy.example:3128 \
    DOCKER_AUTH_CREDENTIALS=cred-docker-16 OPENAI_API_KEY=sk-test-openai-0001
export TOKENIZERS_PARALLELISM=false REDIS_URL=redis://cache.example:6379/0 \
    LLM_TEST_KEEP=kept-in-the-child
export SSH_AUTH_SOCK=/tmp/agent.sock DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/llm-test-bus \
    GPG_AGENT_INFO=/tmp/S.gpg-agent:0:1 GNUPGHOME=/tmp/llm-test-gnupg DISPLAY=:42 \
    WAYLAND_DISPLAY=wayland-42 TMUX=/tmp/tmux-0/default,1,0 NVIM=/tmp/nvim.sock
fake_reply '{"calls":[{"name":"run","args":{"command":"env"}}]}'
fake_reply '{"text":"Printed the environment."}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap --allow run --json "print the environment"
cd - >/dev/null || exit 1
check_rc "env: the task ends (exit 0)" 0
sent=$(fake_get 1 body.messages.-1.content)
check_contains "env: the command ran" "$sent" "[exit status 0]"
for v in TOKENIZERS_PARALLELISM=false REDIS_URL=redis://cache.example:6379/0 \
    LLM_TEST_KEEP=kept-in-the-child; do
	check_contains "env: a harmless variable is kept (${v%%=*})" "$sent" "$v"
done
for v in "HOME=$HOME" "PATH=$PATH"; do
	check "env: ${v%%=*} is kept as it is" sh -c 'printf "%s\n" "$1" | grep -qxF -- "$2"' sh "$sent" "$v"
done
for v in SSH_AUTH_SOCK= GPG_AGENT_INFO= llm-test-bus llm-test-gnupg DISPLAY= WAYLAND_DISPLAY= \
    TMUX= NVIM= XDG_RUNTIME_DIR=; do
	check_not_contains "env: no way to the session's agents (${v%=})" "$sent" "$v"
done
for v in DBUS_SESSION_BUS_ADDRESS=unix:path=/dev/null GNUPGHOME=/dev/null/gnupg \
    TMUX_TMPDIR=/dev/null; do
	check_contains "env: ${v%%=*} leads nowhere" "$sent" "$v"
done
for v in cred-github-01 cred-gh-02 cred-npm-03 cred-aws-04 cred-aws-05 cred-pg-06 \
    cred-db-07 cred-client-08 cred-stripe-09 cred-deploy-10 cred-mysql-11 cred-hf-12 \
    cred-ci-13 cred-url-14 cred-proxy-15 cred-docker-16 sk-test-openai-0001; do
	check_not_contains "env: no credential sent back to the model ($v)" "$sent" "$v"
	check_not_contains "env: nor printed ($v)" "$(cat "$T/out" "$T/err")" "$v"
	check "env: nor in the ledger ($v)" sh -c "! grep -rqa -- '$v' \"\$LLM_DATA_DIR\""
done
# Nor in another process's environment: llm's own (a key in it), the task's supervisor (a fork
# of llm), the shell that started llm, a process of the user's that holds the credentials. As
# root a command would hold CAP_SYS_PTRACE (and CAP_SYS_ADMIN, CAP_PERFMON), which pass the
# kernel's checks, Landlock or not: it keeps only a Docker container's default capabilities,
# less CAP_MKNOD.
# Without Landlock a process of the same user and no more privilege is readable by any program,
# so that part needs it.
cat >"$T/repo/environ.sh" <<'EOF'
p=$PPID
while [ "$p" -gt 1 ]; do
	echo "ancestor $p"
	tr '\000' '\n' <"/proc/$p/environ"
	p=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$p/status")
done 2>&1
for d in /proc/[0-9]*; do
	tr '\000' '\n' <"$d/environ"
done 2>/dev/null | grep -c '^LLM_TEST_HOLDER='
grep '^CapBnd:' /proc/self/status
EOF
env LLM_TEST_HOLDER=1 sleep 60 &
holder=$!
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"sh environ.sh"}}]}'
fake_reply '{"text":"Read what it could."}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap --allow run --json "read the environment of other processes"
cd - >/dev/null || exit 1
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check_rc "environ: the task ends (exit 0)" 0
sent=$(fake_get 1 body.messages.-1.content)
check_contains "environ: the command walked its ancestors" "$sent" "ancestor "
check_contains "environ: llm's own is refused" "$sent" "Permission denied"
bnd=$(printf '%s\n' "$sent" | sed -n 's/^CapBnd:[[:space:]]*/0x/p')
check "environ: the command keeps a container's capabilities at most ($bnd)" \
    test "$(( ${bnd:-0x-1} & ~0xa00425fb ))" = 0
for v in cred-github-01 cred-aws-04 cred-pg-06 cred-url-14 sk-test-openai-0001; do
	check_not_contains "environ: no ancestor's credential reaches the model ($v)" "$sent" "$v"
done
if [ "$(t_py -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))')" -gt 0 ]; then
	check_contains "environ: no other process of the user's is readable" "$sent" "
0
CapBnd:"
fi
echo "# $T_PASS passed, $T_FAIL failed"
