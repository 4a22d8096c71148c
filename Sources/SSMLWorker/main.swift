// `ssml-worker`: a render worker of the pool (see RenderWorkerPool). It speaks a binary protocol on its standard
// input and output and is started by `ssml` and by programs using the SSMLKit library, not by people.
import SSMLEngine

RenderWorkerProcess.main()
