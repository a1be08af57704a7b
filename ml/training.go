package ml

// Training summarises the data a model was fit on and how well it did on
// captures it had not seen. Training data for scanguard's shipped model is
// small (tens of sources from one lab), and the summary says so.
type Training struct {
	// Labels are the label files, by base name, in the order given.
	Labels []string `json:"labels"`
	// Points are the probe counts at which a vector was taken from each
	// labelled source: the moments the detector decides.
	Points         []uint32 `json:"points"`
	Captures       int      `json:"captures"`
	Sources        int      `json:"sources"`
	ScannerSources int      `json:"scanner_sources"`
	BenignSources  int      `json:"benign_sources"`
	// SampledSources and SampledBenign count the sources that reached a
	// decision point and so gave samples: a source the detector never
	// promotes, or that stops before the first point, gives none.
	SampledSources int `json:"sampled_sources"`
	SampledBenign  int `json:"sampled_benign"`
	Samples        int `json:"samples"`
	ScannerSamples int `json:"scanner_samples"`
	BenignSamples  int `json:"benign_samples"`
	// L2 is the ridge penalty on the standardised weights; classes are
	// weighted so that benign and scanner samples count equally.
	L2 float64 `json:"l2"`
	CV CV      `json:"cv"`
	// Note states the limits of the data in words.
	Note string `json:"note"`
}

// CV holds cross-validated figures for the scanner class at Threshold,
// counted per sample (one source at one decision point). Folds are made of
// whole captures, so no capture is both trained and tested on.
type CV struct {
	Scheme    string  `json:"scheme"`
	Folds     int     `json:"folds"`
	Threshold float64 `json:"threshold"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	TN        int     `json:"tn"`
	FN        int     `json:"fn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// LogLoss is the mean cross-entropy of the held-out probabilities.
	LogLoss float64 `json:"log_loss"`
}
