import { spawn } from 'node:child_process';
import { LnmtError } from '../../core/errors.js';

/** Runs an nft script as one transaction. */
export interface NftRunner {
  run(script: string): Promise<void>;
}

/**
 * `nft -f -` with the script on stdin: the whole script is one netlink transaction, applied entirely or not at
 * all. `command` is the program and its leading arguments (`['nft']`, or `['ip', 'netns', 'exec', ns, 'nft']`).
 */
export function commandRunner(command: readonly string[] = ['nft'], timeoutMs = 60_000): NftRunner {
  return {
    run(script) {
      return new Promise((resolve, reject) => {
        const child = spawn(command[0]!, [...command.slice(1), '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          if (stderr.length < 8192) stderr += d;
        });
        child.on('error', (cause) => {
          clearTimeout(timer);
          reject(new LnmtError('LNMT_ERR_INTERNAL', `cannot run ${command.join(' ')}: ${cause.message} (response.enforce needs nftables and root)`, { cause }));
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) resolve();
          else reject(new LnmtError('LNMT_ERR_INTERNAL', `${command.join(' ')} -f - failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(0, 4).join(' | ')}`));
        });
        child.stdin.on('error', () => {}); // nft exiting early (bad script) closes stdin; 'close' reports it
        child.stdin.end(script);
      });
    },
  };
}
