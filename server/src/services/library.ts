import { DomainError } from '../errors.js';
import { checkLibraryFolder } from '../player/folder.js';
import type { Library } from '../player/library.js';
import type { LibraryStatus } from '../player/view.js';
import type { ConfigStore } from '../daemon/store.js';

/**
 * The music library folder (`player.library`) as a client changes it. Queued tracks are left alone: each
 * plays the file it was queued from, wherever the library now is, so a change never cuts what is on air.
 */
export interface LibraryService {
  status(): LibraryStatus;
  /** Checks the folder, saves it (its real path) and starts scanning it; answers with the scan just begun. */
  change(path: string): Promise<LibraryStatus>;
}

export function libraryService(store: ConfigStore, library: Library): LibraryService {
  return {
    status: () => library.status(),
    async change(path) {
      const folder = await checkLibraryFolder(path);
      if ('problem' in folder) throw new DomainError('invalid', 'invalid_library', `path: ${folder.problem}`, 'path');
      // The real path is saved: a link retargeted later cannot move the library where the check would refuse it.
      await store.update((cfg) => void (cfg.player.library = folder.real));
      void library.rescan();
      return library.status();
    },
  };
}
