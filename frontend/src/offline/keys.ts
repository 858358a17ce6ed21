// Injection keys of the offline module, in a file of their own so that a component can take them without
// loading the queue (IndexedDB) itself.
import type { InjectionKey } from 'vue'

/** Queues a photo that could not be uploaded; answers refer to it by the negative id returned. */
export type QueuePhoto = (file: Blob, name: string) => Promise<number>

/** Provided by the inspection form (useOfflineInspection), taken by PhotoUpload. */
export const OFFLINE_PHOTOS: InjectionKey<QueuePhoto> = Symbol('offline-photos')
