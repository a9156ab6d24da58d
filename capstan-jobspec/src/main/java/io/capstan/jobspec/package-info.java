/**
 * Parsing and validation of job specs: Capstan's {@code TrainingJob}, Kubeflow v1's {@code
 * PyTorchJob} and {@code TFJob}, Kubeflow Trainer's {@code TrainJob}, the MPI Operator's {@code
 * MPIJob} and Kubernetes' {@code batch/v1 Job}, read by {@link io.capstan.jobspec.JobSpecParser}
 * into {@link io.capstan.api.job.JobSpec}, one {@code SpecFormat} per kind.
 */
package io.capstan.jobspec;
