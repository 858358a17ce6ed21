// Messages of the enterprise structure and registry pages (issue 4), merged into zh-CN.
export default {}
