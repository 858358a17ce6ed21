package templatedata

// Templates lists every shipped main-business template, in catalogue order.
var Templates = []Template{Retail, Catering, Warehouse, Machinery, Construction, Property, Hotel, Hazchem}
