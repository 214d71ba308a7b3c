# rmq-tui: run the image's start script so that `docker stop` shuts RocketMQ down cleanly.
# The image's scripts start java under sh without exec, so SIGTERM would stop at sh (and tini,
# PID 1 via init: true, would exit when sh does, SIGKILLing the JVM mid shutdown hook). Instead:
# forward TERM/INT to the JVM and wait until the start script (and so java) has exited.
term() {
  stopping=1
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = java ] && kill -TERM "${p#/proc/}"
  done
}
trap term TERM INT
sh "$@" &
pid=$!
wait "$pid"; rc=$?
while [ -n "$stopping" ] && kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
exit "$rc"
