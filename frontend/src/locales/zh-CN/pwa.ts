// The installable app: the new-version prompt and the 安装到手机 instructions (login page, manual).
export default {
  pwa: {
    updateTitle: '新版本可用',
    updateText: '系统已更新。刷新页面后使用新版本；正在填写的内容请先保存。',
    updateReload: '刷新',
    updateLater: '稍后',
    installTitle: '安装到手机',
    installToggle: '手机扫码安装',
    installScan: '用手机扫描二维码打开本系统，再把它添加到主屏幕，以后像 App 一样从桌面图标打开。',
    installAndroid: 'Android 手机：Chrome 点右上角“⋮”，选“添加到主屏幕”或“安装应用”；360、华为、小米浏览器点底部菜单“☰”，选“添加到桌面”（或“添加快捷方式”“添加至主屏幕”）。',
    installIos: 'iPhone、iPad：用 Safari 打开，点底部的分享按钮，选“添加到主屏幕”。',
    installAddress: '也可在手机浏览器中输入网址：',
    qrLabel: '本系统网址的二维码',
    qrFailed: '二维码未能显示',
  },
}
