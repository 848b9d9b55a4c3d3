package web

// Routes returns the patterns of the server's routes as routes() registered
// them (the pages of MountPages aside), for the test that compares them
// with the OpenAPI document.
func Routes(s *Server) []string { return append([]string(nil), s.rm.patterns...) }
