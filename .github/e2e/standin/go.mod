module hivebox-standin

go 1.22
