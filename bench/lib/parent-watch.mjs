// Preloaded into every benchmark child process (node --import): when the runner goes away without
// cleaning up (kill -9, crash), the IPC channel closes and the child ends itself. The channel is
// unref'd, so it never keeps a child alive on its own. Plain JS: it must load without tsx.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
