// Photos from a phone's camera are 3–12 MB; on a weak signal they are scaled and compressed on the device
// before upload: the long side to at most 1600 px, JPEG at quality 0.8. An image already small enough
// (both sides within the limit and under the size a re-encode would save) is sent as it is, and so is
// anything the browser cannot decode (the server then says what is wrong with it).

export const PHOTO_LONG_SIDE = 1600
export const PHOTO_QUALITY = 0.8
/** Below this size an image within PHOTO_LONG_SIDE is not worth re-encoding. */
const SMALL_ENOUGH = 400 * 1024

/** The size an image of w×h is scaled to so that its long side is at most `max`. */
export function scaledSize(w: number, h: number, max = PHOTO_LONG_SIDE): { width: number; height: number } {
  const long = Math.max(w, h)
  if (long <= max || long === 0) return { width: w, height: h }
  const k = max / long
  return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)) }
}

/** The name of the compressed copy: the same base name, .jpg. */
export function jpegName(name: string): string {
  const base = name.replace(/\.[^./\\]*$/, '') || 'photo'
  return `${base}.jpg`
}

async function decode(file: Blob): Promise<{ source: CanvasImageSource; width: number; height: number; close(): void }> {
  if (typeof createImageBitmap === 'function') {
    // imageOrientation: the camera's EXIF rotation applied, as the photo was seen.
    const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' } as ImageBitmapOptions)
    return { source: bmp, width: bmp.width, height: bmp.height, close: () => bmp.close() }
  }
  const url = URL.createObjectURL(file)
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => undefined }
  } finally {
    URL.revokeObjectURL(url)
  }
}

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality))
}

/**
 * The file to upload for a picked photo: scaled to a long side of at most 1600 px and re-encoded as JPEG
 * (quality 0.8), or the original when it is already small or cannot be decoded here.
 */
export async function preparePhoto(file: File, max = PHOTO_LONG_SIDE, quality = PHOTO_QUALITY): Promise<File> {
  let img: Awaited<ReturnType<typeof decode>>
  try {
    img = await decode(file)
  } catch {
    return file
  }
  try {
    const size = scaledSize(img.width, img.height, max)
    if (size.width === img.width && size.height === img.height && file.size <= SMALL_ENOUGH) return file
    const canvas = document.createElement('canvas')
    canvas.width = size.width
    canvas.height = size.height
    const ctx = canvas.getContext('2d')
    if (!ctx) return file
    // A PNG's transparency turns white, not black, in the JPEG.
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, size.width, size.height)
    ctx.drawImage(img.source, 0, 0, size.width, size.height)
    const blob = await toBlob(canvas, quality)
    if (!blob || (blob.size >= file.size && size.width === img.width)) return file
    return new File([blob], jpegName(file.name), { type: 'image/jpeg', lastModified: file.lastModified })
  } finally {
    img.close()
  }
}
