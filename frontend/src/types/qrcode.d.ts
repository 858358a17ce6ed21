// The part of qrcode 1.5.4 (which ships no types) that the install panel uses.
declare module 'qrcode' {
  interface ToCanvasOptions {
    width?: number
    margin?: number
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'
  }
  const QRCode: {
    toCanvas(canvas: HTMLCanvasElement, text: string, options?: ToCanvasOptions): Promise<void>
  }
  export default QRCode
}
