// Messages of the standards, checklists, inspections and hazards pages (issues 5 and 6), merged into zh-CN.
export default {}
