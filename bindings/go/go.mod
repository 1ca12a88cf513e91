module femtologging.invalid/go

go 1.19
