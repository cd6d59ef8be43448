# Reference values from base R for the FedScore.Secure comparison tests (tests/FedScore.Secure.Cli.Tests/Reference).
#
# Regenerate (from the repository root):
#   Rscript --vanilla tests/FedScore.Secure.Cli.Tests/Reference/glm_reference.R . tests/FedScore.Secure.Cli.Tests/Reference/expected
# The committed files in expected/ were produced that way by R 4.2.2 Patched (2022-11-10 r83330), Debian r-base-core
# (see expected/r_version.csv); RReferenceIsCurrentTests re-runs this script whenever Rscript is on PATH.
#
# Base R only (stats::glm, stats::quantile); no packages. Every number is written with sprintf("%.17g") so it
# round-trips to the same IEEE double. Outputs (CSV, one header row):
#   r_version.csv            R version string that produced the files
#   glm_numeric.csv          dataset, term, estimate, std_error, std_error_at_mle   (pooled glm, binomial, numeric predictors)
#   glm_numeric_fit.csv      dataset, n, deviance, null_deviance, iterations, converged
#   quantiles.csv            variable, prob, value                       (type-7 quantiles, pooled train rows)
#   binned_glm.csv           fit, variable, interval, label, estimate, std_error, std_error_at_mle   (glm on factor() bins)
#   binned_points.csv        variable, interval, label, points           (AutoScore points of the refit, max 100)
#   binned_auc.csv           n_cases, n_controls, auc, lower, upper      (pooled test rows, Mann-Whitney + DeLong)
#
# Semantics matched to `fedscore glm` (src/FedScore.Secure.Cli/Commands/GlmCommand.cs):
#   * one site per file, the pooled data = the files stacked (rbind);
#   * EVERY row takes part (the split column is ignored by `fedscore glm`);
#   * outcome column "label" unless stated; identifier columns split, row_name, sample_data_row are not predictors;
#   * predictors = every other NUMERIC column, as it is (no binning); non-numeric (categorical) columns are dropped;
#   * complete cases on the predictors (glm's default na.action = na.omit);
#   * glm(family = binomial) with glm.control(epsilon = 1e-14, maxit = 100): the same maximum-likelihood estimate as
#     glm's default (epsilon 1e-8) but iterated to machine precision, so the reference is the MLE itself and the
#     comparison at 1e-6 measures our error alone. The default-control fit is checked to agree to 1e-7 below.
#   * std_error is summary.glm's; glm.fit computes it from the IRLS weights at the START of its last iteration (the
#     penultimate iterate), which here puts it ~3e-8 relative off the information at the final estimate.
#     std_error_at_mle is summary.glm of the same model restarted at the estimate (one more IRLS pass), i.e. the
#     inverse information at the MLE, which is what `fedscore glm` reports. Both are written; both agree to 1e-6.
options(warn = 1)
args <- commandArgs(trailingOnly = TRUE)
root <- if (length(args) >= 1) args[1] else "."
out <- if (length(args) >= 2) args[2] else file.path(root, "tests/FedScore.Secure.Cli.Tests/Reference/expected")
dir.create(out, recursive = TRUE, showWarnings = FALSE)
invisible(Sys.setlocale("LC_COLLATE", "C"))
g <- function(x) sprintf("%.17g", x)
ids <- c("split", "row_name", "sample_data_row", "X")

read_sites <- function(files) do.call(rbind, lapply(file.path(root, "data", files), read.csv, stringsAsFactors = FALSE))

glm_rows <- list(); fit_rows <- list()
fit_numeric <- function(name, files, outcome) {
  d <- read_sites(files)
  y <- d[[outcome]]
  x <- d[, setdiff(names(d), c(ids, outcome)), drop = FALSE]
  x <- x[, vapply(x, is.numeric, logical(1)), drop = FALSE]
  frame <- data.frame(x, .y = y, check.names = FALSE)
  form <- as.formula(paste(".y ~", paste(sprintf("`%s`", names(x)), collapse = " + ")))
  m <- glm(form, family = binomial, data = frame, control = glm.control(epsilon = 1e-14, maxit = 100))
  m0 <- glm(form, family = binomial, data = frame)
  stopifnot(m$converged, max(abs(coef(m0) - coef(m)) / abs(coef(m))) < 1e-7)
  s <- summary(m)$coefficients
  s_mle <- summary(glm(form, family = binomial, data = frame, start = coef(m), control = glm.control(epsilon = 1e-14, maxit = 100)))$coefficients
  terms <- sub("^`(.*)`$", "\\1", rownames(s))
  glm_rows[[name]] <<- data.frame(dataset = name, term = terms, estimate = g(s[, 1]), std_error = g(s[, 2]), std_error_at_mle = g(s_mle[, 2]))
  fit_rows[[name]] <<- data.frame(dataset = name, n = nobs(m), deviance = g(deviance(m)),
    null_deviance = g(m$null.deviance), iterations = m$iter, default_iterations = m0$iter, converged = m$converged)
}
fit_numeric("site1+site2", c("site1.csv", "site2.csv"), "label")
fit_numeric("site1_hete+site2_hete", c("site1_hete.csv", "site2_hete.csv"), "label")
fit_numeric("autoscore_sample_data_with_missing", "autoscore_sample_data_with_missing.csv", "label")
write.csv(do.call(rbind, glm_rows), file.path(out, "glm_numeric.csv"), row.names = FALSE)
write.csv(do.call(rbind, fit_rows), file.path(out, "glm_numeric_fit.csv"), row.names = FALSE)

# ---- AutoScore pieces on the pooled TRAIN rows of site1 + site2 (what `fedscore train` uses) ----
probs <- c(0, 0.05, 0.2, 0.8, 0.95, 1)
d <- read_sites(c("site1.csv", "site2.csv"))
train <- d[d$split == "train", ]
test <- d[d$split == "test", ]
vars <- setdiff(names(d), c(ids, "label"))
q_rows <- lapply(vars, function(v) data.frame(variable = v, prob = g(probs),
  value = g(unname(quantile(train[[v]], probs, type = 7, na.rm = TRUE)))))
write.csv(do.call(rbind, q_rows), file.path(out, "quantiles.csv"), row.names = FALSE)

# get_cut_vec: unique(quantile) -> signif(3) -> drop the two ends; transform_df_fixed: [a,b) bins with open ends.
# Bins are identified by their interval index j = findInterval(x, breaks) (0 = below the first break), the level
# order AutoScore's labels give for these variables ("(,c1)" < "[c1,c2)" < ... in C collation), so the first fit's
# reference is the lowest interval, as in AutoScore.
binned_vars <- c("Age", "Lab_H", "Lab_B", "Lab_K", "Vital_E")
breaks <- lapply(setNames(binned_vars, binned_vars), function(v) {
  q <- signif(unique(quantile(train[[v]], probs, type = 7)), 3)
  sort(unique(q[-c(1, length(q))]))
})
label_of <- function(v, j) {
  b <- formatC(breaks[[v]], digits = 3, format = "g")
  b <- trimws(b)
  k <- length(b)
  ifelse(j == 0, sprintf("(,%s)", b[1]), ifelse(j == k, sprintf("[%s,)", b[k]), sprintf("[%s,%s)", b[pmax(j, 1)], b[pmin(j + 1, k)])))
}
bin_frame <- function(data) {
  f <- data.frame(lapply(setNames(binned_vars, binned_vars), function(v) factor(findInterval(data[[v]], breaks[[v]]))))
  f$.y <- data$label
  f
}
bf <- bin_frame(train)
fit_rows <- function(fit, m) {
  s <- summary(m)$coefficients
  e <- summary(glm(.y ~ ., family = binomial, data = m$data, start = coef(m), control = ctl))$coefficients[, 2]
  rows <- list(data.frame(fit = fit, variable = "(Intercept)", interval = NA, label = "(Intercept)", estimate = g(s[1, 1]), std_error = g(s[1, 2]), std_error_at_mle = g(e[1])))
  for (v in binned_vars) {
    hit <- startsWith(rownames(s), v)
    j <- as.integer(substring(rownames(s)[hit], nchar(v) + 1))
    rows[[v]] <- data.frame(fit = fit, variable = v, interval = j, label = label_of(v, j), estimate = g(s[hit, 1]), std_error = g(s[hit, 2]), std_error_at_mle = g(e[hit]))
  }
  do.call(rbind, rows)
}
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
m1 <- glm(.y ~ ., family = binomial, data = bf, control = ctl)
# change_reference: per variable the level with the most negative coefficient (if any) becomes the reference.
for (v in binned_vars) {
  cf <- coef(m1)[startsWith(names(coef(m1)), v)]
  if (min(cf) < 0) bf[[v]] <- relevel(bf[[v]], ref = substring(names(cf)[which.min(cf)], nchar(v) + 1))
}
m2 <- glm(.y ~ ., family = binomial, data = bf, control = ctl)
write.csv(rbind(fit_rows("first", m1), fit_rows("second", m2)), file.path(out, "binned_glm.csv"), row.names = FALSE)

# compute_score_table: round(coef / min(coef)), then scale so the per-variable maxima sum to 100 (round() is R's,
# half to even for exact halves). Reference levels get 0 points.
cf <- coef(m2)[-1]
tmp <- round(cf / min(cf))
pts <- list()
total <- 0
for (v in binned_vars) {
  lv <- levels(bf[[v]])
  t <- setNames(rep(0, length(lv)), lv)
  t[substring(names(cf)[startsWith(names(cf), v)], nchar(v) + 1)] <- tmp[startsWith(names(cf), v)]
  pts[[v]] <- t
  total <- total + max(t)
}
pt_rows <- list()
for (v in binned_vars) {
  p <- round(pts[[v]] / (total / 100))
  j <- as.integer(names(p))
  o <- order(j)
  pt_rows[[v]] <- data.frame(variable = v, interval = j[o], label = label_of(v, j[o]), points = p[o])
}
points <- do.call(rbind, pt_rows)
write.csv(points, file.path(out, "binned_points.csv"), row.names = FALSE)

# Pooled test AUC of the integer score: Mann-Whitney with ties 1/2; DeLong variance from placement values
# (pROC's ci() default), CI = AUC -/+ qnorm(0.975) sqrt(Var), clipped to [0, 1].
score <- rep(0, nrow(test))
for (v in binned_vars) {
  j <- findInterval(test[[v]], breaks[[v]])
  j <- pmin(pmax(j, min(points$interval[points$variable == v])), max(points$interval[points$variable == v]))
  pv <- points[points$variable == v, ]
  score <- score + pv$points[match(j, pv$interval)]
}
cases <- score[test$label == 1]; controls <- score[test$label == 0]
psi <- outer(cases, controls, function(a, b) (a > b) + 0.5 * (a == b))
auc <- mean(psi)
v10 <- rowMeans(psi); v01 <- colMeans(psi)
se <- sqrt(var(v10) / length(cases) + var(v01) / length(controls))
write.csv(data.frame(n_cases = length(cases), n_controls = length(controls), auc = g(auc),
  lower = g(max(0, auc - qnorm(0.975) * se)), upper = g(min(1, auc + qnorm(0.975) * se))),
  file.path(out, "binned_auc.csv"), row.names = FALSE)
writeLines(c("r_version", R.version.string), file.path(out, "r_version.csv"))
